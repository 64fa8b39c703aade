/**
 * Bradley–Terry ratings on an Elo scale: P(i beats j) = 1 / (1 + 10^((R_j − R_i)/400)), fitted by
 * maximum likelihood with Hunter's MM iteration (γ_i ← W_i / Σ_j n_ij / (γ_i + γ_j), then
 * R_i = 400·log10 γ_i + constant). A tie counts as half a win for each side.
 *
 * The maximum-likelihood ratings exist only when every group of models both won and lost a game
 * against the rest (Ford's condition: the "beat" graph is strongly connected). Otherwise some
 * ratings run off to infinity, so the fit refuses with INVALID_INPUT naming the models, unless a
 * prior of pseudo-ties between every pair that met is given.
 */
import { MasqueError } from "../errors";
import { invalid } from "./checks";

export type BattleOutcome = "a" | "b" | "tie";

export interface Battle {
  a: string;
  b: string;
  outcome: BattleOutcome;
}

export interface BradleyTerryOptions {
  /** Virtual tie games added to every pair that met (0 = the pure maximum-likelihood fit). */
  pseudoTies?: number;
  /** Pins this model's rating; otherwise the ratings average 1000. */
  anchor?: { model: string; rating: number };
  tolerance?: number;
  maxIterations?: number;
}

export interface Rating {
  model: string;
  rating: number;
  wins: number;
  ties: number;
  losses: number;
}

export interface BradleyTerryFit {
  /** Highest rating first. */
  ratings: Rating[];
  iterations: number;
  converged: boolean;
}

export const ELO_SCALE = 400;
export const ELO_BASE = 1000;

export function fitBradleyTerry(
  battles: readonly Battle[],
  options: BradleyTerryOptions = {},
): BradleyTerryFit {
  const tally = tallyBattles(battles);
  const pseudoTies = options.pseudoTies ?? 0;
  if (!(pseudoTies >= 0 && Number.isFinite(pseudoTies))) {
    throw invalid("pseudoTies", `expected a number ≥ 0, got ${pseudoTies}`);
  }
  addPseudoTies(tally, pseudoTies);
  requireBoundedRatings(tally);
  const { strengths, iterations, converged } = iterateMM(
    tally,
    options.tolerance ?? 1e-10,
    options.maxIterations ?? 100_000,
  );
  const logStrength = strengths.map((g) => ELO_SCALE * Math.log10(g));
  const offset = ratingOffset(tally.models, logStrength, options.anchor);
  const ratings = tally.models
    .map((model, i) => ({
      model,
      rating: (logStrength[i] as number) + offset,
      wins: tally.record[i]?.wins ?? 0,
      ties: tally.record[i]?.ties ?? 0,
      losses: tally.record[i]?.losses ?? 0,
    }))
    .sort((x, y) => y.rating - x.rating);
  return { ratings, iterations, converged };
}

interface Tally {
  models: string[];
  /** games[i][j]: games between i and j (pseudo-ties included). */
  games: Float64Array[];
  /** beat[i][j]: i's win weight against j (ties as halves). */
  beat: Float64Array[];
  record: { wins: number; ties: number; losses: number }[];
}

function tallyBattles(battles: readonly Battle[]): Tally {
  if (battles.length === 0) throw invalid("battles", "expected at least one battle");
  const index = new Map<string, number>();
  battles.forEach((battle, i) => {
    for (const side of ["a", "b"] as const) {
      const model = battle[side];
      if (typeof model !== "string" || !model)
        throw invalid(`battles[${i}].${side}`, "expected a model name");
      if (!index.has(model)) index.set(model, index.size);
    }
    if (battle.a === battle.b) throw invalid(`battles[${i}]`, `a model cannot battle itself (${battle.a})`);
    if (!["a", "b", "tie"].includes(battle.outcome)) {
      throw invalid(`battles[${i}].outcome`, `expected "a", "b" or "tie", got ${String(battle.outcome)}`);
    }
  });
  const k = index.size;
  const tally: Tally = {
    models: [...index.keys()],
    games: Array.from({ length: k }, () => new Float64Array(k)),
    beat: Array.from({ length: k }, () => new Float64Array(k)),
    record: Array.from({ length: k }, () => ({ wins: 0, ties: 0, losses: 0 })),
  };
  for (const battle of battles) {
    const a = index.get(battle.a) as number;
    const b = index.get(battle.b) as number;
    const scoreA = battle.outcome === "a" ? 1 : battle.outcome === "tie" ? 0.5 : 0;
    add(tally, a, b, 1, scoreA);
    const ra = tally.record[a] as Tally["record"][number];
    const rb = tally.record[b] as Tally["record"][number];
    if (battle.outcome === "tie") {
      ra.ties++;
      rb.ties++;
    } else if (battle.outcome === "a") {
      ra.wins++;
      rb.losses++;
    } else {
      rb.wins++;
      ra.losses++;
    }
  }
  return tally;
}

function add(tally: Tally, a: number, b: number, games: number, scoreA: number): void {
  const gA = tally.games[a] as Float64Array;
  const gB = tally.games[b] as Float64Array;
  gA[b] = (gA[b] as number) + games;
  gB[a] = (gB[a] as number) + games;
  const wA = tally.beat[a] as Float64Array;
  const wB = tally.beat[b] as Float64Array;
  wA[b] = (wA[b] as number) + scoreA * games;
  wB[a] = (wB[a] as number) + (1 - scoreA) * games;
}

function addPseudoTies(tally: Tally, pseudoTies: number): void {
  if (pseudoTies === 0) return;
  const k = tally.models.length;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if ((tally.games[i]?.[j] ?? 0) > 0) add(tally, i, j, pseudoTies, 0.5);
    }
  }
}

/** Ford's condition: from every model, every other is reachable along "beat" edges and back. */
function requireBoundedRatings(tally: Tally): void {
  const k = tally.models.length;
  const reach = (forward: boolean) => {
    const seen = new Set<number>([0]);
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (let j = 0; j < k; j++) {
        const weight = forward ? tally.beat[i]?.[j] : tally.beat[j]?.[i];
        if ((weight ?? 0) > 0 && !seen.has(j)) {
          seen.add(j);
          stack.push(j);
        }
      }
    }
    return seen;
  };
  for (const forward of [true, false]) {
    const seen = reach(forward);
    if (seen.size === k) continue;
    const outside = tally.models.filter((_, i) => !seen.has(i));
    const inside = tally.models.filter((_, i) => seen.has(i));
    const verb = forward ? "never lost a game to" : "never won a game against";
    throw new MasqueError(
      "INVALID_INPUT",
      `battles: the ratings are unbounded because ${outside.join(", ")} ${verb} ${inside.join(", ")}; ` +
        "add battles between them or a prior (pseudoTies > 0).",
      { field: "battles", reason: "unbounded", models: outside },
    );
  }
}

function iterateMM(tally: Tally, tolerance: number, maxIterations: number) {
  const k = tally.models.length;
  const wins = tally.beat.map((row) => row.reduce((s, w) => s + w, 0));
  let strengths = new Float64Array(k).fill(1);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let denominator = 0;
      for (let j = 0; j < k; j++) {
        const n = tally.games[i]?.[j] ?? 0;
        if (n > 0) denominator += n / ((strengths[i] as number) + (strengths[j] as number));
      }
      next[i] = (wins[i] as number) / denominator;
    }
    // Fix the scale (the likelihood only sees ratios): geometric mean 1.
    const logMean = next.reduce((s, g) => s + Math.log(g), 0) / k;
    let change = 0;
    for (let i = 0; i < k; i++) {
      next[i] = (next[i] as number) / Math.exp(logMean);
      change = Math.max(change, Math.abs(Math.log((next[i] as number) / (strengths[i] as number))));
    }
    strengths = next;
    if (change < tolerance)
      return { strengths: Array.from(strengths), iterations: iteration, converged: true };
  }
  return { strengths: Array.from(strengths), iterations: maxIterations, converged: false };
}

function ratingOffset(
  models: readonly string[],
  logStrength: readonly number[],
  anchor: BradleyTerryOptions["anchor"],
): number {
  if (!anchor) return ELO_BASE - logStrength.reduce((s, r) => s + r, 0) / logStrength.length;
  const i = models.indexOf(anchor.model);
  if (i < 0) throw invalid("anchor.model", `${anchor.model} is not in any battle`);
  if (!Number.isFinite(anchor.rating)) throw invalid("anchor.rating", `expected a finite number`);
  return anchor.rating - (logStrength[i] as number);
}

/**
 * Comparing perplexity runs on the same selection (the same hash of token inputs): per character
 * and overall, the candidate's mean NLL per token minus the baseline's, with a paired percentile
 * bootstrap over sessions (each resample draws sessions and takes both runs' figures on them).
 * A character is flagged when the whole interval lies above zero: the candidate got worse.
 */
import type {
  CharacterComparison,
  PerplexityResult,
  RunComparison,
  SessionResult,
} from "../../../shared/domain/eval";
import { MasqueError } from "../../../shared/errors";
import { percentileBootstrap } from "../../../shared/stats/bootstrap";
import { BOOTSTRAP_SEED } from "./perplexityFigures";

interface Pair {
  base: SessionResult;
  cand: SessionResult;
}

export function compareRuns(
  baseline: PerplexityResult,
  candidates: readonly PerplexityResult[],
): RunComparison {
  for (const candidate of candidates) {
    if (candidate.selectionHash !== baseline.selectionHash) {
      throw new MasqueError(
        "INVALID_INPUT",
        `run ${candidate.runId} did not score the same token inputs as run ${baseline.runId} (different selection, template, context or tokenizer); such runs cannot be compared`,
        { field: "runIds" },
      );
    }
  }
  return {
    baseline: { runId: baseline.runId, model: baseline.model },
    selectionHash: baseline.selectionHash,
    candidates: candidates.map((candidate) => {
      const pairs = pairSessions(baseline.perSession, candidate.perSession);
      const overall = difference(pairs);
      return {
        runId: candidate.runId,
        model: candidate.model,
        ...overall,
        perCharacter: baseline.perCharacter.map((c): CharacterComparison => {
          const mine = pairs.filter((p) => p.base.characterId === c.characterId);
          return { characterId: c.characterId, characterName: c.characterName, ...difference(mine) };
        }),
      };
    }),
  };
}

function pairSessions(base: readonly SessionResult[], cand: readonly SessionResult[]): Pair[] {
  const byKey = new Map(cand.map((s) => [s.key, s]));
  return base.flatMap((b) => {
    const c = byKey.get(b.key);
    return c && b.tokensScored > 0 && c.tokensScored > 0 ? [{ base: b, cand: c }] : [];
  });
}

function ratio(pairs: readonly Pair[], side: "base" | "cand"): number {
  return pairs.reduce((s, p) => s + p[side].nllSum, 0) / pairs.reduce((s, p) => s + p[side].tokensScored, 0);
}

function difference(pairs: readonly Pair[]) {
  const baselineNll = ratio(pairs, "base");
  const candidateNll = ratio(pairs, "cand");
  const diff = candidateNll - baselineNll;
  let interval: [number, number] = [diff, diff];
  if (pairs.length >= 2) {
    const boot = percentileBootstrap(pairs, (s) => ratio(s, "cand") - ratio(s, "base"), {
      seed: BOOTSTRAP_SEED,
    });
    interval = [boot.low, boot.high];
  }
  return { baselineNll, candidateNll, difference: diff, interval, worse: interval[0] > 0 };
}

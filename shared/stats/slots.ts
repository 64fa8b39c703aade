/**
 * Slot balancing for blind A/B: each pair of contestants is shown with one in slot A and one in
 * slot B, and over a session every contestant must sit in slot A in half of its pairs (±1), or a
 * position bias would leak into its win rate. Orienting the edges of the pair graph along closed
 * walks does exactly that: after joining the odd-degree contestants to a virtual one, every
 * vertex has even degree, the graph splits into closed walks, and along a walk each vertex is
 * entered as often as it is left. Which walks and directions, and the order of the trials, come
 * from the seed.
 */
import { invalid, requireInteger } from "./checks";
import { createRandom, type Random, shuffled } from "./random";

export interface SlotTrial {
  /** The pair's index in the input. */
  pair: number;
  a: string;
  b: string;
}

/** Every unordered pair of contestants, `repeats` times each. */
export function roundRobin(contestants: readonly string[], repeats = 1): [string, string][] {
  requireInteger("repeats", repeats, 1);
  const unique = [...new Set(contestants)];
  if (unique.length < 2) throw invalid("contestants", "expected at least two different contestants");
  const pairs: [string, string][] = [];
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < unique.length; i++) {
      for (let j = i + 1; j < unique.length; j++) pairs.push([unique[i] as string, unique[j] as string]);
    }
  }
  return pairs;
}

export function balanceSlots(pairs: readonly (readonly [string, string])[], seed: number): SlotTrial[] {
  pairs.forEach(([x, y], i) => {
    if (typeof x !== "string" || typeof y !== "string" || !x || !y) {
      throw invalid(`pairs[${i}]`, "expected two contestant names");
    }
    if (x === y) throw invalid(`pairs[${i}]`, `a contestant cannot meet itself (${x})`);
  });
  const random = createRandom(seed);
  const oriented = orientAlongClosedWalks(pairs, random);
  return shuffled(
    pairs.map((_, i) => oriented[i] as SlotTrial),
    random,
  );
}

interface Edge {
  from: string;
  to: string;
  /** -1 for an edge to the virtual vertex. */
  pair: number;
  used: boolean;
}

const VIRTUAL = "\u0000virtual";

function orientAlongClosedWalks(pairs: readonly (readonly [string, string])[], random: Random): SlotTrial[] {
  const edges: Edge[] = pairs.map(([from, to], pair) => ({ from, to, pair, used: false }));
  const degree = new Map<string, number>();
  for (const e of edges) {
    degree.set(e.from, (degree.get(e.from) ?? 0) + 1);
    degree.set(e.to, (degree.get(e.to) ?? 0) + 1);
  }
  for (const [vertex, d] of degree) {
    if (d % 2 === 1) edges.push({ from: vertex, to: VIRTUAL, pair: -1, used: false });
  }
  const incident = new Map<string, Edge[]>();
  for (const e of shuffled(edges, random)) {
    for (const v of [e.from, e.to]) {
      const list = incident.get(v);
      if (list) list.push(e);
      else incident.set(v, [e]);
    }
  }
  const trials: SlotTrial[] = [];
  for (const start of shuffled([...incident.keys()], random)) {
    // Every vertex has even degree, so a walk along unused edges can only stop where it began.
    let at = start;
    for (;;) {
      const edge = incident.get(at)?.find((e) => !e.used);
      if (!edge) break;
      edge.used = true;
      const next = edge.from === at ? edge.to : edge.from;
      if (edge.pair >= 0) trials[edge.pair] = { pair: edge.pair, a: at, b: next };
      at = next;
    }
  }
  return trials;
}

/** Neutral labels ("Model 1", …) in an order drawn from the seed, revealed only after voting. */
export function blindLabels(contestants: readonly string[], seed: number): Map<string, string> {
  const unique = [...new Set(contestants)];
  return new Map(shuffled(unique, createRandom(seed)).map((c, i) => [c, `Model ${i + 1}`]));
}

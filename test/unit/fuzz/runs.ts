/**
 * Options for property tests: run counts small enough that the whole fuzz suite stays well under a
 * minute in CI. MASQUE_FUZZ_RUNS=<factor> multiplies them for a long run (e.g. 50 overnight), and
 * MASQUE_FUZZ_SEED=<n> replays the seed a failure printed.
 */
export function fuzzRuns(base: number): number {
  const factor = Number(process.env.MASQUE_FUZZ_RUNS ?? "1");
  return Math.max(1, Math.round(base * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}

export function fuzzOptions(base: number): { numRuns: number; seed?: number } {
  const seed = Number(process.env.MASQUE_FUZZ_SEED);
  return Number.isInteger(seed) ? { numRuns: fuzzRuns(base), seed } : { numRuns: fuzzRuns(base) };
}

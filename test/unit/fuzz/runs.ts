/**
 * Options for property tests: run counts small enough that the whole fuzz suite stays well under a
 * minute in CI. MASQUE_FUZZ_RUNS=<factor> multiplies them for a long run (e.g. 50 overnight), and
 * MASQUE_FUZZ_SEED=<n> replays the seed a failure printed.
 */
function factor(): number {
  const value = Number(process.env.MASQUE_FUZZ_RUNS ?? "1");
  return Number.isFinite(value) && value > 0 ? value : 1;
}

export function fuzzRuns(base: number): number {
  return Math.max(1, Math.round(base * factor()));
}

export function fuzzOptions(base: number): { numRuns: number; seed?: number } {
  const seed = Number(process.env.MASQUE_FUZZ_SEED);
  return Number.isInteger(seed) ? { numRuns: fuzzRuns(base), seed } : { numRuns: fuzzRuns(base) };
}

/** Vitest's time limit for one fuzz test, scaled with the run count. */
export function fuzzTimeout(baseMs = 30_000): number {
  return Math.round(baseMs * Math.max(1, factor()));
}

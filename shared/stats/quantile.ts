/**
 * Quantiles by linear interpolation between order statistics (Hyndman & Fan type 7, the default
 * of R and NumPy): position h = (n − 1)·p in the sorted values, interpolated between its neighbours.
 */
import { invalid, requireFiniteValues, requireNonEmpty } from "./checks";

/** Ascending numeric order (a typed-array sort compares numbers, not strings). */
export function sortedNumbers(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** The p-quantile of values that are already sorted ascending. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  requireNonEmpty("values", sorted);
  if (!(p >= 0 && p <= 1)) throw invalid("p", `expected a probability between 0 and 1, got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  // Infinite bounds (an unbounded rating in a resample) must not turn into NaN (∞ − ∞).
  return h === lo || below === above ? below : below + (h - lo) * (above - below);
}

export function quantile(values: readonly number[], p: number): number {
  requireFiniteValues("values", values);
  return quantileSorted(sortedNumbers(values), p);
}

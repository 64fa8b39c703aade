/**
 * Percentile bootstrap: resample the units (sessions, not tokens: tokens within a session are not
 * independent) with replacement, recompute the statistic on each resample, and take the
 * (1 − level)/2 and (1 + level)/2 quantiles of those values as the interval.
 */
import { invalid, requireFiniteValues, requireInteger, requireLevel, requireNonEmpty } from "./checks";
import { quantileSorted, sortedNumbers } from "./quantile";
import { createRandom, type Random } from "./random";
import type { Interval } from "./wilson";

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  /** Seed of the resampling; the same seed gives the same interval. */
  seed?: number;
  /** Overrides `seed` (tests feed a known sequence). */
  random?: Random;
}

export interface BootstrapResult extends Interval {
  resamples: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** Draws `items.length` items with replacement. */
export function resample<T>(items: readonly T[], random: Random): T[] {
  return Array.from({ length: items.length }, () => items[random.int(items.length)] as T);
}

export function percentileBootstrap<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => number,
  options: BootstrapOptions = {},
): BootstrapResult {
  requireNonEmpty("items", items);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  requireInteger("resamples", resamples, 1);
  const level = options.level ?? 0.95;
  requireLevel("level", level);
  const random = options.random ?? createRandom(options.seed ?? 1);
  const estimate = statistic(items);
  const values = Array.from({ length: resamples }, () => statistic(resample(items, random)));
  const bad = values.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw invalid("statistic", `returned NaN on resample ${bad}`);
  const sorted = sortedNumbers(values);
  return {
    estimate,
    low: quantileSorted(sorted, (1 - level) / 2),
    high: quantileSorted(sorted, (1 + level) / 2),
    resamples,
  };
}

export function mean(values: readonly number[]): number {
  requireNonEmpty("values", values);
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** The mean of per-session values with its bootstrap interval. */
export function bootstrapMean(values: readonly number[], options: BootstrapOptions = {}): BootstrapResult {
  requireNonEmpty("values", values);
  requireFiniteValues("values", values);
  return percentileBootstrap(values, mean, options);
}

/**
 * A ratio of sums over sessions, e.g. perplexity's mean NLL per token: Σ numerator / Σ denominator,
 * so long sessions weigh by their tokens while the resampling stays by session.
 */
export function bootstrapRatio(
  units: readonly { numerator: number; denominator: number }[],
  options: BootstrapOptions = {},
): BootstrapResult {
  units.forEach((u, i) => {
    requireFiniteValues(`units[${i}]`, [u.numerator, u.denominator]);
    if (!(u.denominator > 0))
      throw invalid(`units[${i}].denominator`, `must be positive, got ${u.denominator}`);
  });
  const ratio = (sample: readonly { numerator: number; denominator: number }[]) =>
    sample.reduce((s, u) => s + u.numerator, 0) / sample.reduce((s, u) => s + u.denominator, 0);
  return percentileBootstrap(units, ratio, options);
}

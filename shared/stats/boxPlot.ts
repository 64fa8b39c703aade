/**
 * Box-plot numbers: the five-number summary (min, quartiles by type-7 interpolation, median, max)
 * and Tukey's whiskers (the furthest values within 1.5 IQR of the box) with the outliers beyond.
 */
import { requireFiniteValues, requireNonEmpty } from "./checks";
import { quantileSorted, sortedNumbers } from "./quantile";

export interface FiveNumbers {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export interface BoxPlot extends FiveNumbers {
  whiskerLow: number;
  whiskerHigh: number;
  outliers: number[];
}

export function fiveNumbers(values: readonly number[]): FiveNumbers {
  return fiveOfSorted(sortedValues(values));
}

export function boxPlot(values: readonly number[]): BoxPlot {
  const sorted = sortedValues(values);
  const five = fiveOfSorted(sorted);
  const reach = 1.5 * (five.q3 - five.q1);
  const inFence = sorted.filter((v) => v >= five.q1 - reach && v <= five.q3 + reach);
  return {
    ...five,
    whiskerLow: inFence[0] as number,
    whiskerHigh: inFence.at(-1) as number,
    outliers: sorted.filter((v) => v < five.q1 - reach || v > five.q3 + reach),
  };
}

function sortedValues(values: readonly number[]): number[] {
  requireNonEmpty("values", values);
  requireFiniteValues("values", values);
  return sortedNumbers(values);
}

function fiveOfSorted(sorted: readonly number[]): FiveNumbers {
  return {
    min: sorted[0] as number,
    q1: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q3: quantileSorted(sorted, 0.75),
    max: sorted.at(-1) as number,
  };
}

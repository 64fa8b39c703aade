/**
 * Equal-width histogram bins for a chart: [low, high) each, the last bin closed so that the maximum
 * falls inside. The bin count defaults to Sturges' rule (⌈log2 n⌉ + 1).
 */
import { invalid, requireFinite, requireFiniteValues, requireInteger, requireNonEmpty } from "./checks";

export interface Bin {
  low: number;
  high: number;
  count: number;
}

export interface Histogram {
  bins: Bin[];
  /** Values outside an explicit range. */
  below: number;
  above: number;
}

export interface HistogramOptions {
  bins?: number;
  min?: number;
  max?: number;
}

export function sturgesBins(n: number): number {
  return Math.ceil(Math.log2(Math.max(1, n))) + 1;
}

export function histogram(values: readonly number[], options: HistogramOptions = {}): Histogram {
  requireNonEmpty("values", values);
  requireFiniteValues("values", values);
  const min = options.min ?? Math.min(...values);
  const max = options.max ?? Math.max(...values);
  requireFinite("min", min);
  requireFinite("max", max);
  if (min > max) throw invalid("min", `must not exceed max (${min} > ${max})`);
  const inside = values.filter((v) => v >= min && v <= max);
  const result = { below: values.filter((v) => v < min).length, above: values.filter((v) => v > max).length };
  if (min === max) return { bins: [{ low: min, high: max, count: inside.length }], ...result };
  const count = options.bins ?? sturgesBins(values.length);
  requireInteger("bins", count, 1);
  const range = max - min;
  // min + range·i/count hits decimal edges exactly where min + i·(range/count) drifts (0.30000000000000004).
  const edge = (i: number) => (i === count ? max : min + (range * i) / count);
  const bins: Bin[] = Array.from({ length: count }, (_, i) => ({
    low: edge(i),
    high: edge(i + 1),
    count: 0,
  }));
  for (const v of inside) {
    let i = Math.min(count - 1, Math.floor(((v - min) * count) / range));
    // The division can land a rounding error away from the bin the edges define.
    if (i < count - 1 && v >= edge(i + 1)) i++;
    else if (i > 0 && v < edge(i)) i--;
    (bins[i] as Bin).count++;
  }
  return { bins, ...result };
}

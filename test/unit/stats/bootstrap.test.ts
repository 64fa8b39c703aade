import { describe, expect, it } from "vitest";
import { bootstrapMean, bootstrapRatio, percentileBootstrap } from "../../../shared/stats/bootstrap";
import { quantile } from "../../../shared/stats/quantile";
import { createRandom, type Random } from "../../../shared/stats/random";

/** A Random that returns fixed indices, so the resamples are known. */
function scripted(indices: number[]): Random {
  let i = 0;
  return {
    next: () => {
      throw new Error("not used");
    },
    int: () => indices[i++] as number,
  };
}

describe("quantile (type 7)", () => {
  it.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.25, 1.75],
    [[4, 1, 3, 2], 1, 4],
    [[10], 0.3, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9], 0.25, 3],
  ])("%j at %f → %f", (values, p, expected) => {
    expect(quantile(values, p)).toBeCloseTo(expected, 12);
  });
});

describe("percentile bootstrap", () => {
  it("takes the percentiles of the statistic over the resamples (hand-computed)", () => {
    // Resamples of [1,2,3,4]: all index 0 (mean 1), all index 3 (mean 4), one of each (mean 2.5).
    const random = scripted([0, 0, 0, 0, 3, 3, 3, 3, 0, 1, 2, 3]);
    const result = bootstrapMean([1, 2, 3, 4], { resamples: 3, level: 0.5, random });
    // Sorted means [1, 2.5, 4]; the 25th and 75th percentiles interpolate at h = 0.5 and 1.5.
    expect(result).toEqual({ estimate: 2.5, low: 1.75, high: 3.25, resamples: 3 });
  });

  it("covers both extremes of a two-value sample", () => {
    // Resample means of [0, 1] are 0, 0.5, 1 with chances 1/4, 1/2, 1/4.
    const result = bootstrapMean([0, 1], { resamples: 4000, seed: 3 });
    expect(result).toMatchObject({ estimate: 0.5, low: 0, high: 1 });
  });

  it("matches the normal approximation for the mean of 1..10", () => {
    // σ (population) = √8.25 = 2.872, SE = 2.872/√10 = 0.908: 5.5 ± 1.96·0.908 = [3.72, 7.28].
    const values = Array.from({ length: 10 }, (_, i) => i + 1);
    const result = bootstrapMean(values, { resamples: 20000, seed: 11 });
    expect(result.estimate).toBe(5.5);
    expect(result.low).toBeGreaterThan(3.72 - 0.2);
    expect(result.low).toBeLessThan(3.72 + 0.2);
    expect(result.high).toBeGreaterThan(7.28 - 0.2);
    expect(result.high).toBeLessThan(7.28 + 0.2);
  });

  it("is reproducible from its seed and changes with it", () => {
    const values = [3.1, 2.7, 5.9, 4.4, 3.3, 6.1, 2.2];
    const a = bootstrapMean(values, { seed: 42, resamples: 500 });
    expect(bootstrapMean(values, { seed: 42, resamples: 500 })).toEqual(a);
    expect(bootstrapMean(values, { seed: 43, resamples: 500 })).not.toEqual(a);
  });

  it("resamples sessions for a ratio of sums (NLL per token over sessions)", () => {
    const sessions = [
      { numerator: 10, denominator: 5 },
      { numerator: 2, denominator: 5 },
    ];
    const random = scripted([0, 0, 1, 1, 0, 1]);
    const result = bootstrapRatio(sessions, { resamples: 3, level: 0.5, random });
    // Resamples: 20/10 = 2, 4/10 = 0.4, 12/10 = 1.2 → sorted [0.4, 1.2, 2].
    expect(result.estimate).toBeCloseTo(1.2, 12);
    expect(result.low).toBeCloseTo(0.8, 12);
    expect(result.high).toBeCloseTo(1.6, 12);
  });

  it.each([
    [() => bootstrapMean([]), /values/],
    [() => bootstrapMean([1, Number.NaN]), /values\[1\]/],
    [() => bootstrapMean([1, 2], { resamples: 0 }), /resamples/],
    [() => bootstrapMean([1, 2], { level: 1 }), /level/],
    [() => bootstrapRatio([{ numerator: 1, denominator: 0 }]), /units\[0\]\.denominator/],
    [() => percentileBootstrap([1], () => Number.NaN), /statistic/],
  ])("refuses bad input naming the field (%#)", (call, message) => {
    expect(call).toThrow(message);
  });
});

describe("seeded random", () => {
  it("gives the same stream for the same seed, in [0, 1)", () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // Roughly uniform: each tenth holds 100 ± 40 of 1000 draws.
    for (let d = 0; d < 10; d++) {
      const inDecile = xs.filter((x) => x >= d / 10 && x < (d + 1) / 10).length;
      expect(Math.abs(inDecile - 100)).toBeLessThan(40);
    }
  });
});

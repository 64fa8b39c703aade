import { describe, expect, it } from "vitest";
import { boxPlot, fiveNumbers } from "../../../shared/stats/boxPlot";
import { histogram, sturgesBins } from "../../../shared/stats/histogram";

describe("histogram bins", () => {
  it("counts values in [low, high), the last bin closed", () => {
    const h = histogram([1, 2, 2, 3, 3, 3, 4, 4, 4, 4], { bins: 3 });
    expect(h.bins).toEqual([
      { low: 1, high: 2, count: 1 },
      { low: 2, high: 3, count: 2 },
      { low: 3, high: 4, count: 7 },
    ]);
    expect(h).toMatchObject({ below: 0, above: 0 });
  });

  it("puts values on decimal edges in the right bin despite rounding", () => {
    const values = Array.from({ length: 11 }, (_, i) => i / 10);
    const h = histogram(values, { bins: 10 });
    expect(h.bins.map((b) => b.count)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  });

  it("counts values outside an explicit range apart", () => {
    const h = histogram([-5, 0, 5, 10, 50], { bins: 2, min: 0, max: 10 });
    expect(h.bins.map((b) => b.count)).toEqual([1, 2]);
    expect(h).toMatchObject({ below: 1, above: 1 });
  });

  it("uses one bin when all values are equal, and Sturges' rule by default", () => {
    expect(histogram([7, 7, 7]).bins).toEqual([{ low: 7, high: 7, count: 3 }]);
    expect(sturgesBins(100)).toBe(8);
    expect(histogram(Array.from({ length: 100 }, (_, i) => i)).bins).toHaveLength(8);
  });

  it.each([
    [() => histogram([]), /values/],
    [() => histogram([1, Number.POSITIVE_INFINITY]), /values\[1\]/],
    [() => histogram([1, 2], { bins: 0 }), /bins/],
    [() => histogram([1, 2], { min: 3, max: 1 }), /min/],
  ])("refuses bad input naming the field (%#)", (call, message) => {
    expect(call).toThrow(message);
  });
});

describe("box plot", () => {
  it("gives the five numbers with type-7 quartiles", () => {
    expect(fiveNumbers([9, 1, 8, 2, 7, 3, 6, 4, 5])).toEqual({ min: 1, q1: 3, median: 5, q3: 7, max: 9 });
    expect(fiveNumbers([1, 2, 3, 4])).toEqual({ min: 1, q1: 1.75, median: 2.5, q3: 3.25, max: 4 });
  });

  it("stops the whiskers at 1.5 IQR and lists the outliers", () => {
    // q1 3, q3 7, IQR 4: fences at −3 and 13.
    const box = boxPlot([1, 2, 3, 4, 5, 6, 7, 8, 100]);
    expect(box).toMatchObject({
      q1: 3,
      median: 5,
      q3: 7,
      whiskerLow: 1,
      whiskerHigh: 8,
      outliers: [100],
      max: 100,
    });
  });
});

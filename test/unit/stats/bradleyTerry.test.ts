import { describe, expect, it } from "vitest";
import { MasqueError } from "../../../shared/errors";
import { type Battle, fitBradleyTerry } from "../../../shared/stats/bradleyTerry";
import { bootstrapBradleyTerry } from "../../../shared/stats/bradleyTerryBootstrap";
import { createRandom, shuffled } from "../../../shared/stats/random";

function games(a: string, b: string, aWins: number, bWins: number, ties = 0): Battle[] {
  return [
    ...Array.from({ length: aWins }, () => ({ a, b, outcome: "a" as const })),
    ...Array.from({ length: bWins }, () => ({ a, b, outcome: "b" as const })),
    ...Array.from({ length: ties }, () => ({ a, b, outcome: "tie" as const })),
  ];
}

/**
 * Strengths 4 : 2 : 1 with every pair's wins exactly at their expected share, so the
 * maximum-likelihood strengths are 4 : 2 : 1: R_A − R_C = 400·log10 4 = 240.824, R_B − R_C = 120.412,
 * and with the ratings averaging 1000: A 1120.412, B 1000, C 879.588.
 */
const TOURNAMENT: Battle[] = [
  ...games("A", "B", 20, 10), // 4/(4+2) of 30
  ...games("A", "C", 20, 5), // 4/(4+1) of 25
  ...games("C", "B", 10, 20), // 1/(1+2) of 30, C in slot A this time
];

const ratingOf = (fit: { ratings: { model: string; rating: number }[] }, model: string) =>
  fit.ratings.find((r) => r.model === model)?.rating;

describe("Bradley–Terry by MM on the Elo scale", () => {
  it("recovers the known three-model tournament", () => {
    const fit = fitBradleyTerry(TOURNAMENT);
    expect(fit.converged).toBe(true);
    expect(fit.ratings.map((r) => r.model)).toEqual(["A", "B", "C"]);
    expect(ratingOf(fit, "A")).toBeCloseTo(1120.412, 2);
    expect(ratingOf(fit, "B")).toBeCloseTo(1000, 2);
    expect(ratingOf(fit, "C")).toBeCloseTo(879.588, 2);
    expect(fit.ratings[0]).toMatchObject({ model: "A", wins: 40, losses: 15, ties: 0 });
  });

  it("counts a tie as half a win for each side", () => {
    // A: 6 wins + 2 half wins = 7, B: 3 → strengths 7 : 3, R_A − R_B = 400·log10(7/3) = 147.191.
    const fit = fitBradleyTerry(games("A", "B", 6, 2, 2));
    expect(ratingOf(fit, "A")).toBeCloseTo(1000 + 147.191 / 2, 2);
    expect(ratingOf(fit, "B")).toBeCloseTo(1000 - 147.191 / 2, 2);
    expect(fit.ratings[1]).toMatchObject({ model: "B", wins: 2, losses: 6, ties: 2 });
  });

  it("pins the scale to an anchor model when asked", () => {
    const fit = fitBradleyTerry(TOURNAMENT, { anchor: { model: "B", rating: 1200 } });
    expect(ratingOf(fit, "A")).toBeCloseTo(1320.412, 2);
    expect(ratingOf(fit, "C")).toBeCloseTo(1079.588, 2);
  });

  it("does not depend on the order of the battles (unlike online Elo)", () => {
    const reordered = fitBradleyTerry(shuffled(TOURNAMENT, createRandom(5)));
    const original = fitBradleyTerry(TOURNAMENT);
    for (const r of original.ratings) expect(ratingOf(reordered, r.model)).toBeCloseTo(r.rating, 6);
  });

  it("refuses unbounded ratings, naming the model, unless a prior is given", () => {
    const sweep = [...games("A", "B", 3, 2), ...games("A", "C", 4, 0), ...games("B", "C", 2, 0)];
    const call = () => fitBradleyTerry(sweep);
    expect(call).toThrow(MasqueError);
    expect(call).toThrow(/C never won a game against A, B/);
    const withPrior = fitBradleyTerry(sweep, { pseudoTies: 1 });
    expect(withPrior.ratings.map((r) => r.model)).toEqual(["A", "B", "C"]);
    expect(Number.isFinite(ratingOf(withPrior, "C"))).toBe(true);
  });

  it.each([
    [[], /battles: expected at least one/],
    [[{ a: "A", b: "A", outcome: "a" }], /cannot battle itself/],
    [[{ a: "A", b: "", outcome: "a" }], /battles\[0\]\.b/],
    [[{ a: "A", b: "B", outcome: "left" }], /battles\[0\]\.outcome/],
  ])("refuses bad battles naming the field (%#)", (battles, message) => {
    expect(() => fitBradleyTerry(battles as Battle[])).toThrow(message);
  });
});

describe("bootstrap intervals of the ratings", () => {
  it("brackets each rating, is reproducible, and narrows with more battles", () => {
    const small = bootstrapBradleyTerry(TOURNAMENT, { resamples: 400, seed: 9 });
    expect(bootstrapBradleyTerry(TOURNAMENT, { resamples: 400, seed: 9 })).toEqual(small);
    expect(small.unboundedResamples).toBe(0);
    for (const r of small.ratings) {
      expect(r.low).toBeLessThan(r.rating);
      expect(r.high).toBeGreaterThan(r.rating);
    }
    const big = bootstrapBradleyTerry(Array.from({ length: 9 }, () => TOURNAMENT).flat(), {
      resamples: 400,
      seed: 9,
    });
    const width = (b: typeof small, model: string) => {
      const r = b.ratings.find((x) => x.model === model);
      return (r?.high ?? 0) - (r?.low ?? 0);
    };
    for (const model of ["A", "B", "C"]) {
      // Nine times the battles: about a third of the width (1/√9).
      const ratio = width(big, model) / width(small, model);
      expect(ratio).toBeGreaterThan(0.25);
      expect(ratio).toBeLessThan(0.45);
    }
  });

  it("counts the resamples whose ratings are unbounded", () => {
    const few = [...games("A", "B", 2, 1), ...games("B", "C", 2, 1), ...games("C", "A", 1, 1)];
    const result = bootstrapBradleyTerry(few, { resamples: 300, seed: 2 });
    expect(result.unboundedResamples).toBeGreaterThan(0);
    expect(result.unboundedResamples).toBeLessThan(300);
  });
});

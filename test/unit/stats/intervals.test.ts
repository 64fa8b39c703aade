import { describe, expect, it } from "vitest";
import { MasqueError } from "../../../shared/errors";
import { signTest } from "../../../shared/stats/signTest";
import { wilsonInterval, winRate } from "../../../shared/stats/wilson";

describe("Wilson score interval (95%)", () => {
  // Hand-computed with z = 1.96: centre = (p + z²/2n)/(1 + z²/n), half = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n).
  it.each([
    [7, 10, 0.7, 0.39678, 0.89221],
    [0, 10, 0, 0, 0.27753],
    [10, 10, 1, 0.72247, 1],
    [50, 100, 0.5, 0.40383, 0.59617],
    [1, 1, 1, 0.20655, 1],
  ])("%d of %d → %f in [%f, %f]", (wins, n, estimate, low, high) => {
    const interval = wilsonInterval(wins, n);
    expect(interval.estimate).toBeCloseTo(estimate, 10);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
    // The brief's figure: 7 of 10 → 0.397–0.892.
    if (wins === 7) expect([interval.low.toFixed(3), interval.high.toFixed(3)]).toEqual(["0.397", "0.892"]);
  });

  it("counts a tie as half a win over all games: 6 wins, 2 ties, 2 losses is 7 of 10", () => {
    expect(winRate({ wins: 6, ties: 2, losses: 2 })).toEqual({ ...wilsonInterval(7, 10), games: 10 });
  });

  it.each([
    [() => wilsonInterval(11, 10), /successes/],
    [() => wilsonInterval(1, 0), /trials/],
    [() => wilsonInterval(Number.NaN, 10), /successes/],
    [() => winRate({ wins: 0, ties: 0, losses: 0 }), /no games/],
    [() => winRate({ wins: -1, ties: 0, losses: 3 }), /wins/],
  ])("refuses bad input with INVALID_INPUT naming the field (%#)", (call, message) => {
    expect(call).toThrow(MasqueError);
    expect(call).toThrow(message);
  });
});

describe("sign test (two-sided, ties ignored)", () => {
  it.each([
    // 2·P(X ≥ 7 | n=10) = 2·(120 + 45 + 10 + 1)/1024
    [7, 3, 0.34375],
    [10, 0, 2 / 1024],
    [5, 5, 1],
    [0, 1, 1],
    [9, 1, (2 * 11) / 1024],
  ])("%d wins, %d losses → p = %f", (wins, losses, p) => {
    expect(signTest(wins, losses)).toBeCloseTo(p, 12);
  });

  it("does not underflow on long sessions", () => {
    const p = signTest(600, 400);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-9);
    expect(signTest(400, 600)).toBe(p);
  });

  it("refuses a session without decisive games", () => {
    expect(() => signTest(0, 0)).toThrow(/no decisive games/);
  });
});

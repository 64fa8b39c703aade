import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balanceSlots, blindLabels, roundRobin } from "../../../shared/stats/slots";

function slotACounts(trials: { a: string; b: string }[]) {
  const counts = new Map<string, { a: number; all: number }>();
  for (const t of trials) {
    for (const [c, inA] of [
      [t.a, 1],
      [t.b, 0],
    ] as const) {
      const entry = counts.get(c) ?? { a: 0, all: 0 };
      entry.a += inA;
      entry.all++;
      counts.set(c, entry);
    }
  }
  return counts;
}

describe("slot balancing for blind A/B", () => {
  it("puts every contestant of a round robin in slot A in half of its pairs ±1", () => {
    const pairs = roundRobin(["m1", "m2", "m3", "m4"], 3);
    expect(pairs).toHaveLength(18);
    const trials = balanceSlots(pairs, 1);
    for (const [, { a, all }] of slotACounts(trials)) {
      expect(all).toBe(9);
      expect([4, 5]).toContain(a);
    }
  });

  it("keeps each pair's contestants and shows every pair once", () => {
    const pairs: [string, string][] = [
      ["x", "y"],
      ["y", "z"],
      ["x", "y"],
      ["z", "w"],
    ];
    const trials = balanceSlots(pairs, 4);
    expect(trials.map((t) => t.pair).sort()).toEqual([0, 1, 2, 3]);
    for (const t of trials) expect(new Set([t.a, t.b])).toEqual(new Set(pairs[t.pair]));
  });

  it("holds the ±1 balance on any multigraph of pairs (property)", () => {
    const name = fc.constantFrom("a", "b", "c", "d", "e", "f");
    const pair = fc.tuple(name, name).filter(([x, y]) => x !== y);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 60 }), fc.integer({ min: 0, max: 2 ** 31 }), (pairs, seed) => {
        const trials = balanceSlots(pairs, seed);
        expect(trials).toHaveLength(pairs.length);
        for (const [, { a, all }] of slotACounts(trials))
          expect(Math.abs(2 * a - all)).toBeLessThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });

  it("draws the order and the sides from the seed", () => {
    const pairs = roundRobin(["a", "b", "c", "d", "e"], 2);
    const one = balanceSlots(pairs, 10);
    expect(balanceSlots(pairs, 10)).toEqual(one);
    const others = [11, 12, 13].map((seed) => balanceSlots(pairs, seed));
    expect(
      others.some((o) => JSON.stringify(o.map((t) => t.pair)) !== JSON.stringify(one.map((t) => t.pair))),
    ).toBe(true);
    // Over many seeds a given pair lands either way round.
    const firstPairSides = new Set(
      Array.from({ length: 40 }, (_, seed) => balanceSlots(pairs, seed).find((t) => t.pair === 0)?.a),
    );
    expect(firstPairSides).toEqual(new Set(["a", "b"]));
  });

  it("refuses a contestant paired with itself", () => {
    expect(() => balanceSlots([["a", "a"]], 1)).toThrow(/pairs\[0\]: a contestant cannot meet itself/);
    expect(() => roundRobin(["a", "a"])).toThrow(/contestants/);
  });
});

describe("blind labels", () => {
  it("maps contestants one-to-one onto neutral labels in a seeded order", () => {
    const labels = blindLabels(["llama-3-8b", "mistral-7b", "qwen-7b"], 3);
    expect([...labels.values()].sort()).toEqual(["Model 1", "Model 2", "Model 3"]);
    expect(blindLabels(["llama-3-8b", "mistral-7b", "qwen-7b"], 3)).toEqual(labels);
    const orders = new Set(
      Array.from({ length: 20 }, (_, s) => [...blindLabels(["x", "y", "z"], s).entries()].join()),
    );
    expect(orders.size).toBeGreaterThan(1);
  });
});

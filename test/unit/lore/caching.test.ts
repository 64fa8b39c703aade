/**
 * The simulated cache cost of lore placement over a scripted 200-turn chat
 * (scripts/loreCachingSimulation.ts; `node --import tsx scripts/benchLoreCaching.ts` prints more).
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SIMULATION,
  greedyReuse,
  prefixReuse,
  shiftReuse,
  simulateLoreCaching,
} from "../../../scripts/loreCachingSimulation";

const toks = (text: string) => text.split(" ");

describe("how much of a prompt a cache can reuse", () => {
  const cache = toks("S S S a b c L1 L2 L3 L4 d e f");
  it.each([
    // [case, prompt, prefix only, shifting (runs of 3), greedy]
    [
      "the same prompt grown (the last token is always evaluated)",
      "S S S a b c L1 L2 L3 L4 d e f g h",
      13,
      13,
      13,
    ],
    ["a block removed from the middle: shifting skips it", "S S S a b c d e f g", 6, 9, 9],
    ["a block inserted in the middle: the rest is evaluated", "S S S a b c X d e f g", 6, 6, 6],
    ["the start changed: nothing is reused", "T S S a b c d e f g", 0, 0, 0],
  ] as const)("%s", (_name, prompt, prefix, shift, greedy) => {
    expect(prefixReuse(cache, toks(prompt))).toBe(prefix);
    expect(shiftReuse(cache, toks(prompt), 3)).toBe(shift);
    expect(greedyReuse(cache, toks(prompt))).toBe(greedy);
  });

  it("greedy alignment counts chance matches that a realignment would not", () => {
    // "b" inside the erased block matches by chance, then "q" is found after it.
    const withChance = toks("S a L b L q r s t");
    const prompt = toks("S a b q r s t u");
    expect(greedyReuse(withChance, prompt)).toBe(7);
    expect(shiftReuse(withChance, prompt, 3)).toBe(2);
  });
});

describe("lore placement over 200 turns, entries firing about one turn in five", () => {
  const result = simulateLoreCaching(DEFAULT_SIMULATION);
  const show = (name: string, c: { evaluated: number; newTokens: number; ratio: number }) =>
    `${name}: evaluated ${c.evaluated}, new ${c.newTokens}, ratio ${c.ratio.toFixed(2)}`;
  console.log(
    [
      `keyed lore in ${(result.loreActiveShare * 100).toFixed(0)}% of prompts`,
      show("Masque placement, shifting cache", result.placement.shift),
      show("baseline (lore before the character), shifting cache", result.baseline.shift),
      show("Masque placement, prefix-only cache", result.placement.prefixOnly),
      show("baseline, prefix-only cache", result.baseline.prefixOnly),
    ].join("\n"),
  );

  it("fires keyed lore in about one prompt in five", () => {
    expect(result.loreActiveShare).toBeGreaterThan(0.15);
    expect(result.loreActiveShare).toBeLessThan(0.25);
  });

  it("evaluates at most 1.5 tokens per new token with a shifting cache", () => {
    expect(result.placement.shift.ratio).toBeLessThanOrEqual(1.5);
  });

  it("beats the baseline that puts lore before the character, with any cache", () => {
    for (const key of ["shift", "greedy", "prefixOnly"] as const) {
      expect(result.placement[key].evaluated).toBeLessThan(result.baseline[key].evaluated);
    }
    expect(result.baseline.shift.ratio).toBeGreaterThan(5 * result.placement.shift.ratio);
  });
});

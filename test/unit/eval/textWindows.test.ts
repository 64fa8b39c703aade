import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planTextWindows } from "../../../electron/services/eval/textWindows";

describe("plain-text windows", () => {
  it("uses one window when BOS and the text fit the context", () => {
    expect(planTextWindows(10, 16, true)).toEqual([{ start: 1, end: 10, scored: { start: 1, end: 10 } }]);
  });

  it("slides by half a context, each window scoring only new tokens (BOS pinned)", () => {
    // Context 8: BOS + 7 text positions a window, stride 4.
    expect(planTextWindows(20, 8, true)).toEqual([
      { start: 1, end: 8, scored: { start: 1, end: 8 } },
      { start: 5, end: 12, scored: { start: 8, end: 12 } },
      { start: 9, end: 16, scored: { start: 12, end: 16 } },
      { start: 13, end: 20, scored: { start: 16, end: 20 } },
    ]);
  });

  it("slides the same way without a BOS token (the first token is never scored)", () => {
    expect(planTextWindows(14, 8, false)).toEqual([
      { start: 0, end: 8, scored: { start: 1, end: 8 } },
      { start: 4, end: 12, scored: { start: 8, end: 12 } },
      { start: 8, end: 14, scored: { start: 12, end: 14 } },
    ]);
  });

  it("scores every position after the first exactly once, within the context, with half a context before it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3000 }),
        fc.integer({ min: 4, max: 700 }),
        fc.boolean(),
        (length, context, pin) => {
          const windows = planTextWindows(length, context, pin);
          const head = pin ? 1 : 0;
          const hits = new Uint8Array(length);
          const tooLong = windows.filter((w) => w.end - w.start + head > context).length;
          let shortContext = 0;
          windows.forEach((w, k) => {
            // Tokens before position i inside its window (the pinned BOS included): i − start + head.
            const minBefore = k === 0 ? w.scored.start : Math.floor(context / 2) - 1;
            if (w.scored.start - w.start + head < minBefore) shortContext++;
            if (k === 0 && w.scored.start !== 1) shortContext++;
            for (let i = w.scored.start; i < w.scored.end; i++) hits[i] = (hits[i] as number) + 1;
          });
          expect({ tooLong, shortContext }).toEqual({ tooLong: 0, shortContext: 0 });
          expect(hits[0]).toBe(0);
          expect(hits.subarray(1).every((h) => h === 1)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("refuses a context too small to slide and a text with nothing to score", () => {
    expect(() => planTextWindows(100, 3, true)).toThrow(/contextSize/);
    expect(() => planTextWindows(1, 64, true)).toThrow(/nothing to score/);
  });
});

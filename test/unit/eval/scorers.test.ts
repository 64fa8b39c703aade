import { describe, expect, it } from "vitest";
import { planSessionScoring } from "../../../electron/services/eval/inCharacterPlan";
import { scorePlainText } from "../../../electron/services/eval/plainTextScorer";
import type { ScoringBackend, ScoringPass } from "../../../electron/services/eval/scoringBackend";
import { scoreSessionPlan } from "../../../electron/services/eval/sessionScorer";

/**
 * A stand-in model whose "NLL" of a token is its id / 100, so every score can be traced back to
 * the token it belongs to; it records the passes it was given. (The real model is in
 * test/integration/evalScoring.test.ts.)
 */
function fakeBackend(contextSize: number, options: { pinned?: boolean } = {}) {
  const passes: ScoringPass[] = [];
  const backend: ScoringBackend = {
    contextSize,
    textTokens: (text) => {
      const words = text.split(" ").map((w) => Number(w));
      return options.pinned === false
        ? { tokens: words, pinned: false, scoredBytes: text.length - String(words[0]).length }
        : { tokens: [1, ...words], pinned: true, scoredBytes: text.length };
    },
    score: async (pass) => {
      passes.push(pass);
      const nll = pass.scored.flatMap(({ start, end }) => pass.tokens.slice(start, end).map((t) => t / 100));
      return {
        nll: Float64Array.from(nll),
        evaluatedTokens: pass.tokens.length,
        reusedTokens: 0,
        flooredTokens: 0,
      };
    },
  };
  return { backend, passes };
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe("plain-text scorer on a backend", () => {
  it("stitches the windows' scores back onto the text's positions", async () => {
    const { backend, passes } = fakeBackend(8);
    const text = ids(100, 19).join(" ");
    const score = await scorePlainText(backend, text);
    // BOS + 19 tokens, windows of 8 at stride 4 (see textWindows.test.ts).
    expect(passes.map((p) => p.tokens.length)).toEqual([8, 8, 8, 8]);
    expect(passes[1]).toEqual({ tokens: [1, ...ids(104, 7)], scored: [{ start: 4, end: 8 }] });
    expect(Array.from(score.tokenNll.subarray(1))).toEqual(ids(100, 19).map((t) => t / 100));
    expect(score.tokenNll[0]).toBeNaN();
    const nll = ids(100, 19).reduce((s, t) => s + t / 100, 0);
    expect(score.nll).toBeCloseTo(nll, 10);
    expect(score).toMatchObject({ tokens: 19, windows: 4, bytes: text.length, evaluatedTokens: 32 });
    expect(score.perplexity).toBeCloseTo(Math.exp(nll / 19), 10);
  });

  it("scores from the second token and counts only its bytes when the model has no BOS", async () => {
    const { backend, passes } = fakeBackend(64, { pinned: false });
    const score = await scorePlainText(backend, "200 300 400");
    expect(passes).toEqual([{ tokens: [200, 300, 400], scored: [{ start: 1, end: 3 }] }]);
    expect(score).toMatchObject({ tokens: 2, bytes: 8 });
    expect(score.nll).toBeCloseTo(7, 12);
  });
});

describe("session scorer on a backend", () => {
  it("runs each planned pass once and splits its scores per reply", async () => {
    const { backend, passes } = fakeBackend(64);
    const tokenize = (pieces: readonly { text: string }[]) => [
      1,
      ...pieces
        .map((p) => p.text)
        .join(" ")
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    ];
    const plan = planSessionScoring(
      [
        {
          replyId: "a",
          prompt: [{ text: "10 11", special: false }],
          reply: [{ text: "20 21", special: false }],
        },
        {
          replyId: "b",
          prompt: [{ text: "10 11 20 21 12", special: false }],
          reply: [{ text: "30 31 32", special: false }],
        },
      ],
      { contextSize: 64, tokenize },
    );
    const result = await scoreSessionPlan(backend, plan);
    expect(passes).toHaveLength(1);
    expect(result.replies).toEqual([
      { replyId: "a", tokens: 2, nll: expect.closeTo(0.41, 12), tokenNll: [0.2, 0.21] },
      { replyId: "b", tokens: 3, nll: expect.closeTo(0.93, 12), tokenNll: [0.3, 0.31, 0.32] },
    ]);
    expect(result.evaluatedTokens).toBe(9);
  });
});

import { describe, expect, it } from "vitest";
import { perplexityFigures } from "../../../shared/stats/perplexity";

describe("perplexity figures", () => {
  it.each([
    // [Σ NLL, tokens, bytes, mean NLL, PPL, bits per byte]
    [4 * Math.LN2, 4, 8, Math.LN2, 2, 0.5], // every token at p = 1/2, two bytes a token
    [0, 3, 3, 0, 1, 0],
    [10 * Math.log(512), 10, 40, Math.log(512), 512, 2.25], // uniform over 512: 9 bits a token, 4 bytes a token
  ])("%f nats over %d tokens and %d bytes", (nll, tokens, bytes, meanNll, ppl, bpb) => {
    const f = perplexityFigures(nll, tokens, bytes);
    expect(f.meanNll).toBeCloseTo(meanNll, 12);
    expect(f.perplexity).toBeCloseTo(ppl, 9);
    expect(f.bitsPerByte).toBeCloseTo(bpb, 12);
  });

  it("leaves bits per byte out without a byte count, and refuses no tokens", () => {
    expect(perplexityFigures(1, 1, 0).bitsPerByte).toBeNull();
    expect(() => perplexityFigures(1, 0, 4)).toThrow(/tokens/);
    expect(() => perplexityFigures(Number.NaN, 2, 4)).toThrow(/nll/);
  });
});

/**
 * Plain-text perplexity with the real model: tokens = BOS + the text's tokens, every token after
 * BOS scored given all before it (within a window when the text outgrows the context; see
 * textWindows). Reports mean NLL per token, perplexity and bits per UTF-8 byte.
 */
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { type PerplexityFigures, perplexityFigures } from "../../../shared/stats/perplexity";
import { scorePass, vocabularySize } from "./passScorer";
import { planTextWindows } from "./textWindows";

export interface PlainTextOptions {
  /** Window size; defaults to the sequence's context size. */
  windowSize?: number;
  /** See PassOptions.entryBudget. */
  entryBudget?: number;
}

export interface PlainTextScore extends PerplexityFigures {
  /** UTF-8 bytes of the scored text. */
  bytes: number;
  windows: number;
  /** Tokens decoded, over all windows (≥ scored tokens: windows overlap). */
  evaluatedTokens: number;
  flooredTokens: number;
  /** The scored token list (BOS first where the model uses one). */
  tokenIds: Token[];
  /** −ln p per position of tokenIds; NaN where nothing was scored (position 0). */
  tokenNll: Float64Array;
}

export function textTokens(model: LlamaModel, text: string): { tokens: Token[]; pinned: boolean } {
  const bos = model.tokens.bos;
  const pinned = bos !== null && model.tokens.shouldPrependBosToken;
  const body = model.tokenize(text);
  return { tokens: pinned ? [bos, ...body] : body, pinned };
}

export async function scorePlainText(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  text: string,
  options: PlainTextOptions = {},
): Promise<PlainTextScore> {
  const { tokens, pinned } = textTokens(model, text);
  const windows = planTextWindows(tokens.length, options.windowSize ?? sequence.contextSize, pinned);
  const vocabulary = vocabularySize(model);
  const tokenNll = new Float64Array(tokens.length).fill(Number.NaN);
  let evaluated = 0;
  let floored = 0;
  for (const window of windows) {
    const head = pinned ? [tokens[0] as Token] : [];
    const local = head.length - window.start;
    const result = await scorePass(
      sequence,
      {
        tokens: [...head, ...tokens.slice(window.start, window.end)],
        scored: [{ start: window.scored.start + local, end: window.scored.end + local }],
      },
      { vocabulary, entryBudget: options.entryBudget },
    );
    tokenNll.set(result.nll, window.scored.start);
    evaluated += result.evaluatedTokens;
    floored += result.flooredTokens;
  }
  const nll = tokenNll.reduce((s, v) => (Number.isNaN(v) ? s : s + v), 0);
  return {
    ...perplexityFigures(nll, tokens.length - 1, scoredBytes(model, text, tokens, pinned)),
    bytes: scoredBytes(model, text, tokens, pinned),
    windows: windows.length,
    evaluatedTokens: evaluated,
    flooredTokens: floored,
    tokenIds: tokens,
    tokenNll,
  };
}

/** With BOS every text token is scored; without it the first token's bytes are not. */
function scoredBytes(model: LlamaModel, text: string, tokens: readonly Token[], pinned: boolean): number {
  const all = utf8Length(text);
  if (pinned) return all;
  return Math.max(0, all - utf8Length(model.detokenize(tokens.slice(0, 1))));
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

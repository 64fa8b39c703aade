/**
 * Plain-text perplexity: tokens = BOS + the text's tokens, every token after BOS scored given all
 * before it (within a window when the text outgrows the context; see textWindows). Reports mean
 * NLL per token, perplexity and bits per UTF-8 byte.
 */
import { type PerplexityFigures, perplexityFigures } from "../../../shared/stats/perplexity";
import type { ScoringBackend, ScoringProgress } from "./scoringBackend";
import { planTextWindows } from "./textWindows";

export interface PlainTextOptions {
  /** Window size; defaults to the backend's context size. */
  windowSize?: number;
  signal?: AbortSignal;
  onProgress?: ScoringProgress;
}

export interface PlainTextScore extends PerplexityFigures {
  /** UTF-8 bytes of the scored text. */
  bytes: number;
  windows: number;
  /** Tokens decoded, over all windows (≥ scored tokens: windows overlap). */
  evaluatedTokens: number;
  flooredTokens: number;
  /** The scored token list (BOS first where the model uses one). */
  tokenIds: number[];
  /** −ln p per position of tokenIds; NaN where nothing was scored (position 0). */
  tokenNll: Float64Array;
}

export async function scorePlainText(
  backend: ScoringBackend,
  text: string,
  options: PlainTextOptions = {},
): Promise<PlainTextScore> {
  const { tokens, pinned, scoredBytes } = backend.textTokens(text);
  const windows = planTextWindows(tokens.length, options.windowSize ?? backend.contextSize, pinned);
  const tokenNll = new Float64Array(tokens.length).fill(Number.NaN);
  let evaluated = 0;
  let floored = 0;
  const head = pinned ? tokens.slice(0, 1) : [];
  for (const window of windows) {
    const local = head.length - window.start;
    const result = await backend.score(
      {
        tokens: [...head, ...tokens.slice(window.start, window.end)],
        scored: [{ start: window.scored.start + local, end: window.scored.end + local }],
      },
      options.signal,
    );
    tokenNll.set(result.nll, window.scored.start);
    evaluated += result.evaluatedTokens;
    floored += result.flooredTokens;
    options.onProgress?.(window.scored.end - 1, tokens.length - 1);
  }
  const nll = tokenNll.reduce((s, v) => (Number.isNaN(v) ? s : s + v), 0);
  return {
    ...perplexityFigures(nll, tokens.length - 1, scoredBytes),
    bytes: scoredBytes,
    windows: windows.length,
    evaluatedTokens: evaluated,
    flooredTokens: floored,
    tokenIds: tokens,
    tokenNll,
  };
}

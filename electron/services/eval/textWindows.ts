/**
 * Sliding windows for plain-text perplexity when the text is longer than the context. Each window
 * holds up to `contextSize` tokens, the next one starts half a context later, and each scores only
 * the tokens no earlier window scored — so every token after the first is scored exactly once,
 * and (after the first window) with at least about half a context before it.
 *
 * With a BOS token the windows keep it pinned at position 0 (as llama.cpp's perplexity tool puts
 * BOS at the start of each chunk): a window is BOS + up to contextSize − 1 text tokens. Pure.
 */
import { MasqueError } from "../../../shared/errors";
import type { TokenRange } from "./tokenRanges";

export interface TextWindow {
  /** Positions [start, end) of the full token list in this window (after the pinned BOS, if any). */
  start: number;
  end: number;
  /** The positions this window scores, a suffix of [start, end). */
  scored: TokenRange;
}

export function planTextWindows(length: number, contextSize: number, pinFirst: boolean): TextWindow[] {
  if (!Number.isSafeInteger(contextSize) || contextSize < 4) {
    throw new MasqueError("INVALID_INPUT", `contextSize: expected at least 4 tokens, got ${contextSize}`, {
      field: "contextSize",
    });
  }
  if (length < 2) {
    throw new MasqueError("INVALID_INPUT", "text: nothing to score (fewer than two tokens)", {
      field: "text",
    });
  }
  const room = pinFirst ? contextSize - 1 : contextSize;
  const stride = Math.floor(contextSize / 2);
  const windows: TextWindow[] = [];
  let start = pinFirst ? 1 : 0;
  let scoredUpTo = 1;
  for (;;) {
    const end = Math.min(start + room, length);
    // A window's first token has nothing before it in the window (unless BOS is pinned there).
    const from = Math.max(scoredUpTo, pinFirst ? start : start + 1);
    windows.push({ start, end, scored: { start: from, end } });
    scoredUpTo = end;
    if (end === length) return windows;
    start += stride;
  }
}

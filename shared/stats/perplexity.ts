/**
 * Figures from a summed negative log-likelihood (natural log) over N scored tokens:
 * mean NLL per token, perplexity exp(mean NLL), and bits per UTF-8 byte of the scored text
 * (Σ NLL / (ln 2 · bytes)), the one figure comparable across tokenizers.
 */
import { invalid, requireFinite } from "./checks";

export interface PerplexityFigures {
  tokens: number;
  nll: number;
  meanNll: number;
  perplexity: number;
  /** null when the byte count is unknown (0). */
  bitsPerByte: number | null;
}

export function perplexityFigures(nll: number, tokens: number, bytes: number): PerplexityFigures {
  requireFinite("nll", nll);
  if (!(Number.isSafeInteger(tokens) && tokens > 0))
    throw invalid("tokens", `expected a positive count, got ${tokens}`);
  if (!(Number.isSafeInteger(bytes) && bytes >= 0))
    throw invalid("bytes", `expected a count ≥ 0, got ${bytes}`);
  const meanNll = nll / tokens;
  return {
    tokens,
    nll,
    meanNll,
    perplexity: Math.exp(meanNll),
    bitsPerByte: bytes > 0 ? nll / (Math.LN2 * bytes) : null,
  };
}

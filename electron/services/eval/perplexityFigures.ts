/**
 * Figures over scored sessions: mean NLL per token, perplexity, bits per UTF-8 byte, and a 95%
 * bootstrap interval that resamples sessions (a session's tokens are not independent draws).
 */
import type { PerplexityFigures, SessionResult } from "../../../shared/domain/eval";
import { bootstrapRatio } from "../../../shared/stats/bootstrap";

export const BOOTSTRAP_SEED = 20_240_601;

export function figuresOf(sessions: readonly SessionResult[]): PerplexityFigures {
  const scored = sessions.filter((s) => s.tokensScored > 0);
  const tokens = scored.reduce((s, r) => s + r.tokensScored, 0);
  const bytes = scored.reduce((s, r) => s + r.bytesScored, 0);
  const nllSum = scored.reduce((s, r) => s + r.nllSum, 0);
  const nll = tokens > 0 ? nllSum / tokens : Number.NaN;
  let interval: [number, number] | null = null;
  if (scored.length >= 2) {
    const boot = bootstrapRatio(
      scored.map((s) => ({ numerator: s.nllSum, denominator: s.tokensScored })),
      { seed: BOOTSTRAP_SEED },
    );
    interval = [Math.exp(boot.low), Math.exp(boot.high)];
  }
  return {
    tokensScored: tokens,
    bytesScored: bytes,
    nll,
    perplexity: Math.exp(nll),
    bitsPerByte: bytes > 0 ? nllSum / (Math.LN2 * bytes) : null,
    interval,
  };
}

export function sessionResult(
  base: Omit<SessionResult, "nll" | "perplexity" | "bitsPerByte">,
): SessionResult {
  const nll = base.tokensScored > 0 ? base.nllSum / base.tokensScored : Number.NaN;
  const bitsPerByte = base.bytesScored > 0 ? base.nllSum / (Math.LN2 * base.bytesScored) : null;
  return { ...base, nll, perplexity: Math.exp(nll), bitsPerByte };
}

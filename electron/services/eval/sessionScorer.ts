/** Runs an in-character session plan: one scoring pass per planned pass, scores split per reply. */
import type { SessionPlan } from "./inCharacterPlan";
import type { ScoringBackend, ScoringProgress } from "./scoringBackend";

export interface ReplyScore {
  replyId: string;
  tokens: number;
  /** Σ −ln p over the reply's tokens. */
  nll: number;
  tokenNll: number[];
}

export interface SessionScore {
  replies: ReplyScore[];
  evaluatedTokens: number;
  flooredTokens: number;
}

export async function scoreSessionPlan(
  backend: ScoringBackend,
  plan: SessionPlan,
  options: { signal?: AbortSignal; onProgress?: ScoringProgress } = {},
): Promise<SessionScore> {
  const replies: ReplyScore[] = [];
  let evaluated = 0;
  let floored = 0;
  let done = 0;
  for (const pass of plan.passes) {
    const result = await backend.score(
      { tokens: pass.tokens, scored: pass.replies.map((r) => r.range) },
      options.signal,
    );
    let offset = 0;
    for (const { replyId, range } of pass.replies) {
      const tokenNll = Array.from(result.nll.subarray(offset, offset + range.end - range.start));
      offset += tokenNll.length;
      replies.push({ replyId, tokens: tokenNll.length, nll: tokenNll.reduce((s, v) => s + v, 0), tokenNll });
    }
    evaluated += result.evaluatedTokens;
    floored += result.flooredTokens;
    done += result.nll.length;
    options.onProgress?.(done, plan.scoredTokens);
  }
  return { replies, evaluatedTokens: evaluated, flooredTokens: floored };
}

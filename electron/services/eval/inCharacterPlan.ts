/**
 * Planning in-character scoring of one session, a pure function. For each reply the chat assembly
 * gives the prompt pieces before it and the reply's own pieces; scoring a reply means −ln p of its
 * tokens given that exact prompt. Scored one by one, a session of n replies would decode the
 * growing history n times (cost ∝ n²). But when nothing before a reply changes between turns, the
 * next reply's token list EXTENDS the previous one: one growing sequence scores both, and the
 * scorer's KV prefix reuse decodes only what is new — cost ∝ the text.
 *
 * So consecutive replies share a pass while each token list is a prefix of the next and the last
 * fits the context. When assembly rewrites the history (old turns evicted, examples dropped,
 * post-history instructions after the last message), a new pass starts and the executor keeps
 * only the common prefix (system prompt, persona...) from the cache. Nothing is shifted: shifted
 * KV entries would still carry attention to the evicted turns, and the score must be given the
 * prompt exactly as assembled.
 */
import type { PromptPiece } from "../../../shared/prompt/assemble";
import { commonPrefixLength, type TokenRange } from "./tokenRanges";

export interface ReplyPieces {
  replyId: string;
  /** Everything before the reply, as the assembly produced it. */
  prompt: readonly PromptPiece[];
  /** The reply (and, if it should be scored, its end-of-turn marker). */
  reply: readonly PromptPiece[];
}

export interface PlannedReply {
  replyId: string;
  range: TokenRange;
}

export interface PlannedPass {
  tokens: number[];
  replies: PlannedReply[];
}

export interface SkippedReply {
  replyId: string;
  reason: "empty" | "exceeds-context";
  tokens: number;
}

export interface SessionPlan {
  passes: PlannedPass[];
  skipped: SkippedReply[];
  scoredTokens: number;
  /** Tokens the passes decode, with the KV prefix reuse between passes. */
  evaluatedTokens: number;
  /** Tokens decoded if every reply were scored from an empty cache (prompt + reply each time, less the last token). */
  naiveTokens: number;
}

export interface PlanOptions {
  contextSize: number;
  /** The engine's prompt tokenizer: pieces → token ids as evaluated (BOS included). */
  tokenize: (pieces: readonly PromptPiece[]) => number[];
  /** Tokens already in the sequence's cache before the first pass (for the cost estimate). */
  cachedTokens?: readonly number[];
}

export function planSessionScoring(replies: readonly ReplyPieces[], options: PlanOptions): SessionPlan {
  const passes: PlannedPass[] = [];
  const skipped: SkippedReply[] = [];
  let naive = 0;
  for (const item of replies) {
    const full = options.tokenize([...item.prompt, ...item.reply]);
    // Text pieces are tokenized joined, so the reply can merge with the prompt's last token:
    // the reply's range starts where its tokens part from the prompt's.
    const start = Math.max(1, commonPrefixLength(options.tokenize(item.prompt), full));
    if (start >= full.length) {
      skipped.push({ replyId: item.replyId, reason: "empty", tokens: 0 });
      continue;
    }
    if (full.length > options.contextSize) {
      skipped.push({ replyId: item.replyId, reason: "exceeds-context", tokens: full.length });
      continue;
    }
    naive += full.length - 1;
    const planned = { replyId: item.replyId, range: { start, end: full.length } };
    const current = passes.at(-1);
    if (current && extends_(full, current.tokens) && start >= (current.replies.at(-1)?.range.end ?? 0)) {
      current.tokens = full;
      current.replies.push(planned);
    } else {
      passes.push({ tokens: full, replies: [planned] });
    }
  }
  return {
    passes,
    skipped,
    scoredTokens: passes.reduce(
      (s, p) => s + p.replies.reduce((t, r) => t + r.range.end - r.range.start, 0),
      0,
    ),
    evaluatedTokens: decodedTokens(passes, options.cachedTokens ?? []),
    naiveTokens: naive,
  };
}

function extends_(longer: readonly number[], prefix: readonly number[]): boolean {
  return longer.length >= prefix.length && commonPrefixLength(longer, prefix) === prefix.length;
}

/**
 * The scorer's rule (passScorer): keep the common prefix with the cache, but re-decode from the
 * first scored token's predecessor; decode up to, not including, the pass's last token.
 */
function decodedTokens(passes: readonly PlannedPass[], cached: readonly number[]): number {
  let previous = cached;
  let total = 0;
  for (const pass of passes) {
    const firstScored = pass.replies[0]?.range.start ?? 1;
    const last = pass.tokens.length - 1;
    total += last - Math.min(commonPrefixLength(previous, pass.tokens), firstScored - 1);
    previous = pass.tokens.slice(0, last);
  }
  return total;
}

/** Pure numbers behind the prompt inspector: the bar of tokens per block against the context. */
import type { PromptReport } from "../../../../shared/api/contract";

export const KIND_LABELS: Record<string, string> = {
  system: "System prompt",
  persona: "Character",
  "user-persona": "Your persona",
  example: "Example dialogue",
  "system-end": "System end",
  "chat-start": "Chat start",
  message: "Chat messages",
  "post-history": "Post-history instructions",
  "reply-prefix": "Reply prefix",
  reply: "Kept for the reply",
  free: "Free",
};

export const kindLabel = (kind: string): string => KIND_LABELS[kind] ?? kind;

/** One block's name in the list (the legend's names are for all blocks of a kind). */
export const blockLabel = (kind: string): string =>
  kind === "message" ? "Message" : kind === "example" ? "Example" : kindLabel(kind);

export interface BarSegment {
  kind: string;
  tokens: number;
  /** Share of the context, 0–100. */
  percent: number;
  /** Blocks merged into this segment. */
  blocks: number;
}

type BarInput = Pick<PromptReport, "blocks" | "contextSize" | "maxReplyTokens" | "promptTokens">;

/**
 * Consecutive blocks of one kind become one segment, then the tokens kept for the reply and the
 * free rest of the context. Percentages are of the context (or of the total when it is unknown).
 */
export function promptSegments(report: BarInput): BarSegment[] {
  const segments: Omit<BarSegment, "percent">[] = [];
  for (const block of report.blocks) {
    const last = segments.at(-1);
    if (last && last.kind === block.kind) {
      last.tokens += block.tokens;
      last.blocks += 1;
    } else {
      segments.push({ kind: block.kind, tokens: block.tokens, blocks: 1 });
    }
  }
  const used = segments.reduce((sum, s) => sum + s.tokens, 0);
  if (report.maxReplyTokens > 0) segments.push({ kind: "reply", tokens: report.maxReplyTokens, blocks: 0 });
  const free = report.contextSize - used - report.maxReplyTokens;
  if (free > 0) segments.push({ kind: "free", tokens: free, blocks: 0 });
  const whole = Math.max(report.contextSize, used + report.maxReplyTokens, 1);
  return segments.map((s) => ({ ...s, percent: (s.tokens / whole) * 100 }));
}

/** Tokens and blocks per kind, in order of first appearance (the legend). */
export function kindTotals(
  blocks: PromptReport["blocks"],
): { kind: string; tokens: number; blocks: number }[] {
  const totals = new Map<string, { kind: string; tokens: number; blocks: number }>();
  for (const block of blocks) {
    const total = totals.get(block.kind) ?? { kind: block.kind, tokens: 0, blocks: 0 };
    total.tokens += block.tokens;
    total.blocks += 1;
    totals.set(block.kind, total);
  }
  return [...totals.values()];
}

/** "Last reply: 120 tokens reused from cache, 35 evaluated." */
export function cacheLine(lastReply: PromptReport["lastReply"]): string {
  if (!lastReply) return "No reply generated in this chat yet: nothing to say about the cache.";
  const reused = lastReply.reusedTokens.toLocaleString();
  const evaluated = lastReply.evaluatedTokens.toLocaleString();
  return `Last reply: ${reused} tokens reused from cache, ${evaluated} evaluated (prompt ${lastReply.promptTokens.toLocaleString()} tokens).`;
}

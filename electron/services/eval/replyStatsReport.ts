/**
 * Reply statistics of labelled sets of replies (A/B contestants, chats) beside the PIPPA bot turns
 * of the same characters, with word-count histograms on shared bins so the charts line up.
 */
import type { ReplySetStats, ReplyStatsReport } from "../../../shared/domain/eval";
import { MasqueError } from "../../../shared/errors";
import { histogram } from "../../../shared/stats/histogram";
import { type ReplyStatsOptions, summariseReplies } from "../../../shared/stats/replyStats";

export interface ReplySet {
  label: string;
  texts: string[];
}

export function replyStatsReport(
  sets: readonly ReplySet[],
  reference: ReplySet | null,
  options: ReplyStatsOptions,
): ReplyStatsReport {
  const nonEmpty = sets.filter((s) => s.texts.length > 0);
  if (nonEmpty.length === 0)
    throw new MasqueError("INVALID_INPUT", "the selection holds no replies to describe");
  const all = [...nonEmpty, ...(reference && reference.texts.length > 0 ? [reference] : [])];
  const summaries = all.map((s) => ({ label: s.label, summary: summariseReplies(s.texts, options) }));
  const words = summaries.flatMap((s) => s.summary.perReply.map((r) => r.words));
  const bins = { min: Math.min(...words), max: Math.max(...words), bins: 12 };
  const stats: ReplySetStats[] = summaries.map(({ label, summary }) => ({
    label,
    replies: summary.replies,
    words: summary.words,
    tokens: summary.tokens,
    narrationShare: summary.narrationShare,
    speaksForUserRate: summary.speaksForUserRate,
    oocRate: summary.oocRate,
    wordHistogram: histogram(
      summary.perReply.map((r) => r.words),
      bins,
    ),
  }));
  const hasReference = all.length > nonEmpty.length;
  return {
    sets: stats.slice(0, nonEmpty.length),
    reference: hasReference ? (stats.at(-1) as ReplySetStats) : null,
  };
}

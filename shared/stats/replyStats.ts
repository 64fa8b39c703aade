/**
 * Reply statistics for the workbench: per reply (length in tokens and words, narration share,
 * lines spoken for the user, out-of-character markers) and over a set of replies (distributions,
 * rates, distinct-1/2).
 */
import { type BoxPlot, boxPlot } from "./boxPlot";
import { invalid } from "./checks";
import { type Distinct, distinctN } from "./distinct";
import { oocMarkers, userSpeakerLines } from "./replyMarkers";
import { narrationSplit } from "./replyText";

export interface ReplyStatsOptions {
  /** The user's names as speaker tags ("Sam", "You"); `{{user}}` is always included. */
  userNames: readonly string[];
  /** The model's tokenizer; without it token lengths are left out. */
  countTokens?: (text: string) => number;
}

export interface ReplyStats {
  tokens: number | null;
  words: number;
  narrationWords: number;
  dialogueWords: number;
  narrationShare: number;
  userSpeakerLines: number;
  oocMarkers: number;
}

export function replyStats(text: string, options: ReplyStatsOptions): ReplyStats {
  if (typeof text !== "string") throw invalid("reply", "expected text");
  return {
    tokens: options.countTokens ? options.countTokens(text) : null,
    ...narrationSplit(text),
    userSpeakerLines: userSpeakerLines(text, options.userNames),
    oocMarkers: oocMarkers(text),
  };
}

export interface ReplySetSummary {
  replies: number;
  tokens: (BoxPlot & { mean: number }) | null;
  words: BoxPlot & { mean: number };
  narrationShare: BoxPlot & { mean: number };
  /** Share of replies with at least one line spoken for the user. */
  speaksForUserRate: number;
  /** Share of replies with at least one out-of-character marker. */
  oocRate: number;
  distinct1: Distinct;
  distinct2: Distinct;
  perReply: ReplyStats[];
}

export function summariseReplies(texts: readonly string[], options: ReplyStatsOptions): ReplySetSummary {
  if (texts.length === 0) throw invalid("replies", "expected at least one reply");
  const perReply = texts.map((t, i) => {
    if (typeof t !== "string") throw invalid(`replies[${i}]`, "expected text");
    return replyStats(t, options);
  });
  const described = (values: number[]) => ({
    ...boxPlot(values),
    mean: values.reduce((s, v) => s + v, 0) / values.length,
  });
  const share = (count: (s: ReplyStats) => number) =>
    perReply.filter((s) => count(s) > 0).length / perReply.length;
  return {
    replies: texts.length,
    tokens: options.countTokens ? described(perReply.map((s) => s.tokens as number)) : null,
    words: described(perReply.map((s) => s.words)),
    narrationShare: described(perReply.map((s) => s.narrationShare)),
    speaksForUserRate: share((s) => s.userSpeakerLines),
    oocRate: share((s) => s.oocMarkers),
    distinct1: distinctN(texts, 1),
    distinct2: distinctN(texts, 2),
    perReply,
  };
}

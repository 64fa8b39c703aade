/** The model workbench's data: stored runs, perplexity figures, comparisons, blind A/B, reply statistics. */
import type { BoxPlot } from "../stats/boxPlot";
import type { Histogram } from "../stats/histogram";

export type EvalRunKind = "perplexity" | "ab";
/** interrupted: the process running it died; it is never shown as complete. */
export type EvalRunStatus = "running" | "done" | "cancelled" | "interrupted" | "failed";

export interface EvalModelRef {
  path: string;
  fileName: string;
  sizeBytes: number;
  /** SHA-256 of the whole file. */
  sha256: string;
  /** LoRA adapters on the model, in order (absent: the base model alone). */
  lora?: EvalLoraRef[];
}

/** A LoRA adapter a run used: runs with other adapter sets or scales are other contestants. */
export interface EvalLoraRef {
  path: string;
  fileName: string;
  /** SHA-256 of the adapter file. */
  sha256: string;
  scale: number;
}

/** What a perplexity run scores: characters' PIPPA reference sessions, the user's chats, or a text file. */
export interface PerplexitySelection {
  characterIds?: number[];
  chatIds?: number[];
  textFile?: string;
  /** At most this many reference sessions per character. */
  sessions?: number;
  /** Stop adding sessions once this many tokens would be scored. */
  maxTokensScored?: number;
}

export interface PerplexityFigures {
  tokensScored: number;
  bytesScored: number;
  /** Mean negative log-likelihood per token (nats). */
  nll: number;
  perplexity: number;
  bitsPerByte: number | null;
  /** 95% bootstrap interval of the perplexity over sessions (null with fewer than two sessions). */
  interval: [number, number] | null;
}

export interface SessionResult {
  /** "session:ID", "chat:ID" or "text". */
  key: string;
  sessionId: number | null;
  chatId: number | null;
  characterId: number | null;
  tokensScored: number;
  bytesScored: number;
  /** Σ −ln p over the scored tokens. */
  nllSum: number;
  nll: number;
  perplexity: number;
  bitsPerByte: number | null;
  repliesScored: number;
  repliesSkipped: number;
}

export interface CharacterResult extends PerplexityFigures {
  characterId: number;
  characterName: string;
  sessions: number;
}

export interface PerplexityResult extends PerplexityFigures {
  runId: number;
  model: EvalModelRef;
  templateId: string;
  contextSize: number;
  selectionHash: string;
  perCharacter: CharacterResult[];
  perSession: SessionResult[];
  durationMs: number;
}

export interface AbContestantInput {
  /** A model file path. */
  model: string;
  templateId?: string;
  /** A sampler preset by name (the current sampler settings when absent). */
  preset?: string;
  /** LoRA adapter files on the model, with their scales, in order. */
  lora?: { path: string; scale: number }[];
}

export interface AbContestant {
  id: string;
  label: string;
  model: EvalModelRef;
  templateId: string;
  preset: string | null;
}

export interface EvalRunSummary {
  id: number;
  kind: EvalRunKind;
  status: EvalRunStatus;
  label: string;
  createdAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  selectionHash: string;
  error: string | null;
  /** Perplexity runs: the headline figures once done. */
  figures: PerplexityFigures | null;
  /** A/B runs: items and votes so far. */
  items: number | null;
  votes: number | null;
}

export interface EvalRunDetail extends EvalRunSummary {
  selection: PerplexitySelection | { characterIds?: number[]; chatIds?: number[] };
  perplexity: PerplexityResult | null;
}

export interface CharacterComparison {
  characterId: number;
  characterName: string;
  baselineNll: number;
  candidateNll: number;
  /** candidate − baseline mean NLL per token: positive means the candidate got worse. */
  difference: number;
  interval: [number, number];
  worse: boolean;
}

export interface RunComparison {
  baseline: { runId: number; model: EvalModelRef };
  selectionHash: string;
  candidates: {
    runId: number;
    model: EvalModelRef;
    difference: number;
    interval: [number, number];
    worse: boolean;
    perCharacter: CharacterComparison[];
  }[];
}

export interface AbPrompt {
  characterName: string;
  /** The conversation up to the turn both replies answer, oldest first. */
  history: { role: "user" | "character"; text: string }[];
}

export type AbVote = "a" | "b" | "tie" | "bad";

export type AbNext =
  | { item: number; prompt: AbPrompt; replies: [{ slot: "a"; text: string }, { slot: "b"; text: string }] }
  | { done: true };

export interface AbContestantReport {
  id: string;
  label: string;
  wins: number;
  losses: number;
  ties: number;
  bothBad: number;
  winRate: number;
  wilson: [number, number];
  rating: number;
  ratingInterval: [number, number];
  meanReplyTokens: number;
  meanReplyWords: number;
}

export interface AbReport {
  runId: number;
  status: EvalRunStatus;
  contestants: AbContestantReport[];
  items: {
    item: number;
    slots: { a: string; b: string };
    vote: AbVote | null;
    source: AbItemSource;
    replyTokens: { a: number; b: number };
  }[];
}

/** Where an A/B prompt came from, so the report can open it. */
export interface AbItemSource {
  characterId: number;
  sessionId: number | null;
  chatId: number | null;
  /** Index of the last message of the prompt in the session or chat path. */
  messageIndex: number;
}

export interface ReplySetStats {
  label: string;
  replies: number;
  words: BoxPlot & { mean: number };
  tokens: (BoxPlot & { mean: number }) | null;
  narrationShare: BoxPlot & { mean: number };
  speaksForUserRate: number;
  oocRate: number;
  wordHistogram: Histogram;
}

export interface ReplyStatsReport {
  sets: ReplySetStats[];
  /** PIPPA bot turns of the same characters (null when none are imported). */
  reference: ReplySetStats | null;
}

export interface EvalProgress {
  runId: number;
  kind: EvalRunKind;
  phase: "loading" | "scoring" | "generating";
  done: number;
  total: number;
  /** Estimated time left, from the rate so far (null until there is one). */
  etaMs: number | null;
}

/** A run's model as people name it: the file, then each adapter with its scale ("a.gguf + b.gguf×0.5"). */
export function modelLabel(model: {
  fileName: string;
  lora?: readonly { fileName: string; scale: number }[];
}): string {
  return [model.fileName, ...(model.lora ?? []).map((a) => `${a.fileName}×${a.scale}`)].join(" + ");
}

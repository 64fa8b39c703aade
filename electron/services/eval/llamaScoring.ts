/**
 * The scoring backend on node-llama-cpp: a model and a context sequence (its own, or one the caller
 * owns). The thread count is always explicit: node-llama-cpp's CPU default (max(4, cores))
 * oversubscribes small machines, where llama.cpp's busy-waiting threadpool made decoding 50–500×
 * slower on 2 cores (node-llama-cpp.md section 7). Flash attention stays off on the CPU, where it
 * measured 2.2× slower.
 */
import type { LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { MasqueError } from "../../../shared/errors";
import type { LoraAttachment } from "../engine/engine";
import { loraContextOptions } from "../engine/lora";
import { scorePass, vocabularySize } from "./passScorer";
import type { ScoringBackend, TextTokens } from "./scoringBackend";

export interface LlamaScoringOptions {
  threads: number;
  contextSize: number;
  /** Map entries alive per controlledEvaluate call (see passScorer); tests lower it. */
  entryBudget?: number;
  /** LoRA adapters on the model ("base + adapter at scale s"), in order. */
  lora?: LoraAttachment[];
}

export interface LlamaScoring extends ScoringBackend {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  dispose(): Promise<void>;
}

/** A backend on a sequence the caller owns (and disposes). */
export function llamaScoringBackend(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  options: { entryBudget?: number } = {},
): ScoringBackend {
  const vocabulary = vocabularySize(model);
  return {
    contextSize: sequence.contextSize,
    textTokens: (text) => llamaTextTokens(model, text),
    score: (pass, signal) =>
      scorePass(sequence, pass, { vocabulary, entryBudget: options.entryBudget, signal }),
  };
}

/** A context of its own for scoring; dispose() frees it. */
export async function openLlamaScoring(
  model: LlamaModel,
  options: LlamaScoringOptions,
): Promise<LlamaScoring> {
  if (!Number.isSafeInteger(options.threads) || options.threads < 1) {
    throw new MasqueError("INVALID_INPUT", `threads: expected a count ≥ 1, got ${options.threads}`, {
      field: "threads",
    });
  }
  if (!Number.isSafeInteger(options.contextSize) || options.contextSize < 4) {
    throw new MasqueError(
      "INVALID_INPUT",
      `contextSize: expected at least 4 tokens, got ${options.contextSize}`,
      {
        field: "contextSize",
      },
    );
  }
  const llama = model.llama;
  if (options.threads > llama.maxThreads) llama.maxThreads = options.threads;
  const context = await model.createContext({
    contextSize: options.contextSize,
    threads: options.threads,
    flashAttention: llama.gpu !== false,
    ...loraContextOptions(options.lora ?? []),
  });
  const sequence = context.getSequence();
  return {
    ...llamaScoringBackend(model, sequence, options),
    context,
    sequence,
    dispose: () => context.dispose(),
  };
}

/** BOS (when the model prepends one) + the text's tokens; without BOS the first token's bytes go unscored. */
export function llamaTextTokens(model: LlamaModel, text: string): TextTokens {
  const bos = model.tokens.bos;
  const pinned = bos !== null && model.tokens.shouldPrependBosToken;
  const body = model.tokenize(text);
  const bytes = utf8Length(text);
  if (pinned) return { tokens: [bos, ...body], pinned, scoredBytes: bytes };
  return {
    tokens: body,
    pinned,
    scoredBytes: Math.max(0, bytes - utf8Length(model.detokenize(body.slice(0, 1)))),
  };
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

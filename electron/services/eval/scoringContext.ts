/**
 * A context of its own for scoring, with the thread count always explicit: node-llama-cpp's CPU
 * default (max(4, cores)) oversubscribes small machines, where llama.cpp's busy-waiting threadpool
 * made decoding 50–500× slower on 2 cores (node-llama-cpp.md section 7). Flash attention stays off
 * on the CPU, where it measured 2.2× slower.
 */
import type { LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { MasqueError } from "../../../shared/errors";

export interface ScoringContextOptions {
  threads: number;
  contextSize: number;
}

export interface ScoringContext {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  dispose(): Promise<void>;
}

export async function createScoringContext(
  model: LlamaModel,
  options: ScoringContextOptions,
): Promise<ScoringContext> {
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
  });
  const sequence = context.getSequence();
  return { context, sequence, dispose: () => context.dispose() };
}

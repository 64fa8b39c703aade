/**
 * Finds the fastest thread count for generation on this machine: for 1..cores threads, a
 * short greedy generation on a small context, timed from the first token on. Each candidate is
 * time-boxed so a slow setting (oversubscribed threads can be 500x slower) cannot stall loading.
 */
import type { Llama, LlamaModel, Token } from "node-llama-cpp";
import type { ThreadCalibration } from "./engine";

const TOKENS = 48;
const MIN_TOKENS = 4;
const TIME_BOX_MS = 1500;

export async function calibrateThreads(
  model: LlamaModel,
  llama: Llama,
  allowThreads: (threads: number) => void,
  candidates = threadCandidates(llama.cpuMathCores),
): Promise<ThreadCalibration> {
  const prompt = model.tokenize("Once upon a time, in a small village by the sea, there lived");
  const bos = model.tokens.bos !== null && model.tokens.shouldPrependBosToken ? [model.tokens.bos] : [];
  const results: ThreadCalibration["results"] = [];
  for (const threads of candidates) {
    allowThreads(threads);
    results.push({ threads, tokensPerSecond: await measure(model, threads, [...bos, ...prompt]) });
  }
  const best = results.reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
  return { results, best: best.threads };
}

export function threadCandidates(mathCores: number): number[] {
  return Array.from({ length: Math.max(1, Math.min(mathCores, 16)) }, (_, i) => i + 1);
}

/** Generation speed (tokens/s after the first token) with `threads`. */
export async function measure(model: LlamaModel, threads: number, prompt: Token[]): Promise<number> {
  const context = await model.createContext({ contextSize: 512, threads, flashAttention: false });
  try {
    const sequence = context.getSequence();
    let count = 0;
    let first = 0;
    let last = 0;
    for await (const _token of sequence.evaluate(prompt, { temperature: 0, topK: 1, topP: 1, minP: 0 })) {
      last = performance.now();
      if (count === 0) first = last;
      count++;
      if (count >= TOKENS || (count >= MIN_TOKENS && last - first > TIME_BOX_MS)) break;
    }
    return count > 1 && last > first ? Math.round(((count - 1) / (last - first)) * 1000 * 10) / 10 : 0;
  } finally {
    await context.dispose();
  }
}

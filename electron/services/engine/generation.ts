/**
 * The generation loop on a context sequence: reuse the KV cache for the longest common prefix
 * (erasing evicted turns and shifting what follows instead of re-evaluating it), evaluate only the
 * rest, then sample token by token with explicit sampler values, stopping on control-token
 * markers, stop strings, the token limit or an abort, and streaming text that is safe to show.
 */
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { GenerationStats, StopReason } from "../../../shared/domain/chat";
import type { SamplerSettings } from "./engine";
import { StopMatcher } from "./stopMatcher";

export interface LoopRequest {
  sequence: LlamaContextSequence;
  model: LlamaModel;
  /** The whole prompt, BOS included. */
  tokens: Token[];
  maxTokens: number;
  sampler: SamplerSettings;
  seed: number | null;
  stopStrings: string[];
  stopTokenIds: ReadonlySet<Token>;
  signal: AbortSignal;
  onText: (text: string) => void;
}

export interface LoopResult {
  text: string;
  stopReason: StopReason;
  stats: GenerationStats;
}

const DETOKENIZE_CONTEXT = 8;

export async function runGeneration(request: LoopRequest): Promise<LoopResult> {
  const { sequence, model, tokens } = request;
  const started = performance.now();
  const reused = await alignCache(sequence, tokens);
  const matcher = new StopMatcher(request.stopStrings);
  const generated: Token[] = [];
  let pending: Token[] = [];
  let text = "";
  let stopReason: StopReason | null = null;
  let firstTokenAt: number | null = null;
  const newline = model.tokens.nl;
  // The penalty window covers recent history as well as the reply (node-llama-cpp's own window
  // only holds the reply). Note slice(-0) would return everything: 0 means no window.
  const windowSize = Math.max(0, request.sampler.repeatLastN);
  const historyTail = windowSize > 0 ? tokens.slice(-windowSize) : [];
  const penaltyWindow = () =>
    windowSize > 0 ? [...historyTail, ...generated].slice(-windowSize).filter((t) => t !== newline) : [];

  const iterator = sequence.evaluate(tokens.slice(reused), samplerOptions(request, penaltyWindow));
  for await (const token of iterator) {
    firstTokenAt ??= performance.now();
    if (request.signal.aborted) {
      stopReason = "aborted";
      break;
    }
    if (request.stopTokenIds.has(token)) {
      stopReason = "stop-string";
      break;
    }
    generated.push(token);
    pending.push(token);
    const piece = model.detokenize(pending, false, contextBefore(tokens, generated, pending.length));
    // A character split across tokens decodes to U+FFFD until its last byte arrives.
    if (!piece.endsWith("\uFFFD")) {
      pending = [];
      const { emit, stopped } = matcher.push(piece);
      if (emit) {
        text += emit;
        request.onText(emit);
      }
      if (stopped) {
        stopReason = "stop-string";
        break;
      }
    }
    if (generated.length >= request.maxTokens) {
      stopReason = "max-tokens";
      break;
    }
  }
  if (stopReason !== "stop-string") {
    const rest = matcher.flush();
    if (rest) {
      text += rest;
      request.onText(rest);
    }
  }
  const ended = performance.now();
  const genSeconds = firstTokenAt === null ? 0 : (ended - firstTokenAt) / 1000;
  return {
    text,
    stopReason: stopReason ?? "eos",
    stats: {
      promptTokens: tokens.length,
      evaluatedTokens: tokens.length - reused,
      generatedTokens: generated.length,
      ttftMs: round((firstTokenAt ?? ended) - started),
      tokensPerSecond: genSeconds > 0 ? round(Math.max(0, generated.length - 1) / genSeconds) : 0,
    },
  };
}

/**
 * Brings the sequence's KV cache in line with `tokens` minus the last one (which is always
 * evaluated again, so fresh logits exist) and returns how many tokens it could keep. With
 * shifting, a range removed from the middle (evicted turns) is erased and the rest slides back.
 */
export async function alignCache(sequence: LlamaContextSequence, tokens: Token[]): Promise<number> {
  const keep = tokens.slice(0, -1);
  try {
    await sequence.adaptStateToTokens(keep, true);
  } catch {
    // Models whose cache cannot shift (recurrent ones) fall back to prefix reuse only.
  }
  // With shifting allowed, node-llama-cpp 3.21.1 leaves tokens after `keep` in place when `keep`
  // is a prefix of the cache (e.g. a swipe after a reply): truncate them, or the next reply would
  // be generated after the old one. Measured: without this the context grew by every reply.
  if (sequence.nextTokenIndex !== keep.length || !startsWith(sequence.contextTokens, keep)) {
    await sequence.adaptStateToTokens(keep, false);
  }
  return Math.min(sequence.nextTokenIndex, keep.length);
}

function startsWith(tokens: readonly Token[], prefix: readonly Token[]): boolean {
  if (tokens.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (tokens[i] !== prefix[i]) return false;
  return true;
}

function samplerOptions(request: LoopRequest, penaltyWindow: () => Token[]) {
  const s = request.sampler;
  return {
    temperature: s.temperature,
    minP: s.minP,
    topK: s.topK,
    topP: s.topP,
    ...(request.seed === null ? {} : { seed: request.seed }),
    ...(s.repeatPenalty !== 1 || s.frequencyPenalty !== 0 || s.presencePenalty !== 0
      ? {
          repeatPenalty: {
            punishTokens: penaltyWindow,
            penalty: s.repeatPenalty,
            frequencyPenalty: s.frequencyPenalty,
            presencePenalty: s.presencePenalty,
          },
        }
      : {}),
    ...(s.dryMultiplier > 0
      ? {
          dryRepeatPenalty: { strength: s.dryMultiplier, base: s.dryBase, allowedLength: s.dryAllowedLength },
        }
      : {}),
    ...(s.xtcProbability > 0 ? { xtc: { probability: s.xtcProbability, threshold: s.xtcThreshold } } : {}),
  };
}

/** The few tokens before the pending ones, so detokenizing gets the spacing right. */
function contextBefore(prompt: Token[], generated: Token[], pendingCount: number): Token[] {
  const end = generated.length - pendingCount;
  const fromReply = generated.slice(Math.max(0, end - DETOKENIZE_CONTEXT), end);
  const missing = DETOKENIZE_CONTEXT - fromReply.length;
  return missing > 0 ? [...prompt.slice(prompt.length - missing), ...fromReply] : fromReply;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

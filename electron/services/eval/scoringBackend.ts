/**
 * What the scorers need from a model, in plain numbers: tokenizing a text for plain-text scoring,
 * the context size, and running one scoring pass. The node-llama-cpp implementation is
 * llamaScoring.ts; phase 2 can offer the same shape from the engine (Engine.openScoring) without
 * node-llama-cpp types crossing the engine interface.
 */
import type { TokenRange } from "./tokenRanges";

export interface ScoringPass {
  /** The whole token list the sequence holds after the pass (BOS included where the model uses one). */
  tokens: readonly number[];
  scored: readonly TokenRange[];
}

export interface PassScore {
  /** −ln p of each scored token, ranges in order. */
  nll: Float64Array;
  /** Tokens the pass decoded (never its last one: nothing after it is scored). */
  evaluatedTokens: number;
  /** Tokens kept from the KV cache. */
  reusedTokens: number;
  /** Tokens whose probability underflowed float32 to 0 and were scored at the floor. */
  flooredTokens: number;
}

export interface TextTokens {
  /** BOS (where the model uses one) and the text's tokens. */
  tokens: number[];
  /** BOS sits at position 0, so every text token is scored. */
  pinned: boolean;
  /** UTF-8 bytes of the text that the scored tokens cover. */
  scoredBytes: number;
}

export interface ScoringBackend {
  readonly contextSize: number;
  textTokens(text: string): TextTokens;
  /** Rejects with ABORTED once `signal` is aborted (checked between decode calls). */
  score(pass: ScoringPass, signal?: AbortSignal): Promise<PassScore>;
}

/** What the scorers report while they run: scored tokens so far of the total planned. */
export type ScoringProgress = (scoredTokens: number, totalTokens: number) => void;

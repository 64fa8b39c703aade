import type { GenerationStats, StopReason } from "../../../shared/domain/chat";
import type { ModelStatus } from "../../../shared/domain/model";
import type { PromptPiece } from "../../../shared/prompt/assemble";

export interface SamplerSettings {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  repeatPenalty: number;
}

export interface LoadOptions {
  threads: number;
  contextSize: number;
}

export interface GenerateRequest {
  /** One KV-cache sequence per key (a chat id): its cache survives between turns. */
  sessionKey: string;
  prompt: PromptPiece[];
  stopStrings: string[];
  maxTokens: number;
  sampler: SamplerSettings;
  seed: number | null;
  signal: AbortSignal;
  onText: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  stopReason: StopReason;
  stats: GenerationStats;
}

export interface LoadedModel {
  path: string;
  sizeBytes: number;
  threads: number;
  contextSize: number;
}

/** The local-model engine as the services see it. */
export interface Engine {
  status(): ModelStatus;
  loaded(): LoadedModel | null;
  load(path: string, options: LoadOptions): Promise<ModelStatus>;
  /** Exact token count of text with the loaded model's tokenizer. */
  countTokens(text: string): number;
  /** Token count of the whole prompt as it will be evaluated (BOS included). */
  countPromptTokens(prompt: PromptPiece[]): number;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  releaseSession(sessionKey: string): Promise<void>;
  onStatus(listener: (status: ModelStatus) => void): () => void;
  dispose(): Promise<void>;
}

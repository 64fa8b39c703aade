import type { BackendKind } from "../../../shared/domain/backend";
import type { GenerationStats, StopReason } from "../../../shared/domain/chat";
import type { ModelStatus } from "../../../shared/domain/model";
import type { PromptPiece } from "../../../shared/prompt/assemble";
import type { ScoringBackend } from "../eval/scoringBackend";
import type { ModelTemplateMatch } from "./modelTemplate";

/** Every sampler value, always explicit (node-llama-cpp fills in topK 40 / topP 0.95 when unset). */
export interface SamplerSettings {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  repeatPenalty: number;
  /** How many recent tokens (prompt history and reply) the repeat penalties look at. */
  repeatLastN: number;
  frequencyPenalty: number;
  presencePenalty: number;
  /** DRY strength; 0 turns it off. */
  dryMultiplier: number;
  dryBase: number;
  dryAllowedLength: number;
  /** XTC probability; 0 turns it off. */
  xtcProbability: number;
  xtcThreshold: number;
}

export interface LoadOptions {
  threads: number;
  contextSize: number;
  /** Layers offloaded to the GPU (the model library's per-model setting); default: as many as fit. */
  gpuLayers?: number;
}

/** A LoRA adapter attached to the model for a generation. */
export interface LoraAttachment {
  path: string;
  scale: number;
}

export interface GenerateRequest {
  /** One KV-cache sequence per key (a chat id): its cache survives between turns (and restarts, when states are saved). */
  sessionKey: string;
  /** The prompt template's id: a saved KV state is reused only under the same template. */
  template?: string;
  /** Adapters on top of the model, in order; none when absent. */
  lora?: LoraAttachment[];
  prompt: PromptPiece[];
  stopStrings: string[];
  /** Control tokens (template end markers) that end the reply. */
  stopMarkers: string[];
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

export interface ThreadCalibration {
  results: { threads: number; tokensPerSecond: number }[];
  best: number;
}

export interface LoadedModel {
  path: string;
  sizeBytes: number;
  /** A fast content hash (size plus samples of the file), for provenance. */
  contentHash: string;
  threads: number;
  contextSize: number;
}

/** What the services may know about a remote backend (the local engine has none). */
export interface RemoteBackendInfo {
  name: string;
  kind: BackendKind;
  url: string;
  /** The model the server serves, once connected. */
  model: string | null;
  /** "server" or "local-tokenizer": exact counts; "estimate": a guess, flagged in the inspector. */
  tokenCounts: "server" | "local-tokenizer" | "estimate";
  /** Sampler settings this kind of server does not take (not sent). */
  ignoredSamplers: string[];
}

/** The engine as the services see it: the local model, or a remote server behind the same contract. */
/** A scoring context of its own on the loaded model; it counts as active work until disposed. */
export interface ScoringSession extends ScoringBackend {
  dispose(): Promise<void>;
}

export interface ScoringOptions {
  contextSize: number;
  /** Adapters on the model for this context ("base + adapter at scale s"), in order. */
  lora?: LoraAttachment[];
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
  /** Token ids of the prompt as it will be evaluated (BOS included). */
  tokenizePrompt(prompt: PromptPiece[]): number[];
  /** Measures generation speed for 1..cores threads on the loaded model. */
  calibrateThreads(): Promise<ThreadCalibration>;
  /** Uses another thread count from the next generation on (contexts are recreated). */
  setThreads(threads: number): Promise<void>;
  /** The built-in template matching the model's own chat template, if the GGUF has one. */
  modelTemplate(): ModelTemplateMatch | null;
  releaseSession(sessionKey: string): Promise<void>;
  /** The remote backend behind this engine, or null for the local engine. */
  remote?(): RemoteBackendInfo | null;
  /**
   * For engines that count tokens asynchronously: runs `rehearse` (a synchronous prompt assembly)
   * and fetches exact counts for what it asked about, so the assembly that follows counts from a cache.
   */
  prepareTokenCounts?(rehearse: () => void): Promise<void>;
  /**
   * Opens a teacher-forced scoring context on the loaded model (its thread count, `contextSize`
   * capped at the model's trained size). Loading another model is BUSY until it is disposed; a
   * model unloaded under it makes its passes reject with ABORTED.
   */
  openScoring(options: ScoringOptions): Promise<ScoringSession>;
  onStatus(listener: (status: ModelStatus) => void): () => void;
  dispose(): Promise<void>;
}

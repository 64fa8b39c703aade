/** The model library as every host and the UI see it: models, downloads, fit estimates, the catalog. */

/** "fits": comfortably in free memory; "tight": only by using swap or partial GPU offload; "doesNotFit": refused. */
export type FitVerdict = "fits" | "tight" | "doesNotFit";

/** What a model needs at one context size and GPU offload, against this machine's memory. */
export interface FitEstimate {
  fits: boolean;
  verdict: FitVerdict;
  /** RAM needed: weights kept in RAM plus the context (KV cache and buffers). */
  ramBytes: number;
  vramBytes: number;
  gpuLayers: number;
  /** The context size the estimate is for (capped by the trained context). */
  contextSize: number;
  /** The largest context (up to the trained one) that still fits; 0 when none does. */
  maxContextSize: number;
}

export type ModelOrigin = "download" | "folder" | "file";

export interface ModelEntry {
  id: number;
  fileName: string;
  /** The first part for a split model. */
  path: string;
  /** All parts together. */
  sizeBytes: number;
  parts: number;
  /** Null while it is being computed (local files are hashed in the background). */
  sha256: string | null;
  /** The SHA-256 matched the hash the hub publishes for the file. */
  verified: boolean;
  architecture: string | null;
  parameters: number | null;
  /** The file type (e.g. "Q4_K_M"), or the dominant tensor type when the header names none. */
  quantization: string | null;
  trainedContextSize: number | null;
  /** The built-in template Masque would use for this model's own chat template; null: the file has none. */
  template: string | null;
  /** The `hf:` URI or URL it was downloaded from, or the folder it was found in, or the file itself. */
  source: string;
  origin: ModelOrigin;
  /** The file is gone: shown, never silently dropped. */
  missing: boolean;
  /** Why the header could not be read, if it could not (the model is then not offered for loading). */
  problem: string | null;
  addedAt: number;
  lastUsedAt: number | null;
  /** This is the model in the settings (`modelPath`). */
  active: boolean;
  /** Set when the last load used a smaller context than asked (capped by the trained context or by memory). */
  contextNote: string | null;
  fit: FitEstimate | null;
}

/** Settings that follow a model file by its SHA-256, so a moved file keeps them. */
export interface PerModelSettings {
  contextSize?: number;
  gpuLayers?: number;
  /** The measured (or chosen) thread count. */
  threads?: number;
  /** A built-in template id overriding the detected one. */
  templateId?: string;
  /** A sampler preset applied when the model becomes the active one. */
  samplerPreset?: string;
}

export type DownloadPhase = "resolving" | "downloading" | "verifying";

export interface DownloadProgress {
  downloadId: string;
  uri: string;
  fileName: string | null;
  phase: DownloadPhase;
  downloadedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  /** Null while unknown. */
  etaSeconds: number | null;
}

/** A download Masque knows about: running, or stopped (its partial file kept for a resume). */
export interface DownloadInfo extends Omit<DownloadProgress, "downloadId"> {
  /** Null once it stopped; `models.pull` with the same URI resumes it. */
  downloadId: string | null;
  state: "running" | "paused" | "failed";
  error: { code: string; message: string } | null;
  updatedAt: number;
}

export interface CatalogEntry {
  id: string;
  name: string;
  uri: string;
  quantization: string;
  sizeBytes: number;
  parameters: number;
  license: string;
  trainedContextSize: number;
  template: string;
  description: string;
  /** From the catalog's own numbers, without any network call. */
  fit: FitEstimate;
  /** Already in the library (downloaded from this URI). */
  installedModelId: number | null;
}

/** Where the hub token comes from; the token itself never crosses the API. */
export interface HubTokenStatus {
  source: "env" | "stored" | "none";
  /** A token can be stored here (the desktop app's encrypted storage). */
  canStore: boolean;
}

/** What the UI and the CLI know about the local model. */
export type ModelState = "none" | "loading" | "loaded" | "error";

export interface ModelInfo {
  path: string;
  fileName: string;
  sizeBytes: number;
  architecture: string;
  trainContextSize: number;
  hasChatTemplate: boolean;
}

export interface ModelStatus {
  state: ModelState;
  /** While `state` is "loading": reading the model file, or measuring the best thread count on it. */
  phase?: "loading" | "calibrating";
  path: string | null;
  info: ModelInfo | null;
  error: { code: string; message: string } | null;
  threads: number | null;
  contextSize: number | null;
  /** Set when a remote backend is active: the model status then describes the server's model. */
  backend?: { name: string; kind: string; url: string };
}

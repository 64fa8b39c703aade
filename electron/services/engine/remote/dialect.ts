/** What differs between kinds of server: how to describe, count, ask and read the stream. */
import type { BackendKind } from "../../../../shared/domain/backend";
import type { StopReason } from "../../../../shared/domain/chat";
import type { SamplerSettings } from "../engine";
import type { RemoteTarget } from "./http";

export interface ServerDescription {
  /** The model the server serves (or was asked for). */
  model: string | null;
  /** The server's context size, when it says. */
  contextSize: number | null;
  /** The model's own chat template (Jinja), when the server shows it. */
  chatTemplate: string | null;
  /** An endpoint to POST to when a generation is stopped (KoboldCpp keeps generating otherwise). */
  abortPath: string | null;
  /** The server counts tokens itself (POST /tokenize). */
  tokenizes: boolean;
}

export interface CompletionInput {
  prompt: string;
  stop: string[];
  maxTokens: number;
  sampler: SamplerSettings;
  seed: number | null;
  model: string | null;
}

export interface StreamEnd {
  stopReason: StopReason;
  promptTokens?: number;
  /** Prompt tokens the server took from its cache instead of evaluating them. */
  cachedTokens?: number;
  generatedTokens?: number;
}

/** One event of the stream: text (maybe empty), and the end when the server says so. */
export interface StreamStep {
  text: string;
  end: StreamEnd | null;
}

export interface Dialect {
  kind: BackendKind;
  completionPath: string;
  describe(target: RemoteTarget, model: string | null, timeoutMs: number): Promise<ServerDescription>;
  completionBody(input: CompletionInput): Record<string, unknown>;
  /** Reads one SSE data payload; throws a plain Error when it is malformed. */
  parse(data: string): StreamStep;
  /** Token counts, for servers that tokenize (one request per text). */
  countTokens?(target: RemoteTarget, text: string, addSpecial: boolean, timeoutMs: number): Promise<number>;
}

export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * What a model is, from its GGUF header alone (weights are never loaded to list a model):
 * architecture, parameter count, quantization, trained context and chat template family. The
 * header of a remote file is read through ranged requests by node-llama-cpp's `readGgufFileInfo`.
 */
import { GgmlType, type GgufFileInfo, GgufFileType, readGgufFileInfo } from "node-llama-cpp";
import { MasqueError } from "../../../shared/errors";
import { assertGgufHeader } from "../engine/ggufPreflight";
import { detectTemplateFamily } from "./templateFamily";

export interface ModelMetadata {
  architecture: string | null;
  parameters: number | null;
  quantization: string | null;
  trainedContextSize: number | null;
  template: string | null;
}

/** The big vocabulary arrays: not needed to describe or size a model. */
const IGNORED_KEYS = [
  "tokenizer.ggml.tokens",
  "tokenizer.ggml.scores",
  "tokenizer.ggml.token_type",
  "tokenizer.ggml.merges",
];

export interface RemoteHeaderOptions {
  endpoint: string;
  token: string | null;
  signal?: AbortSignal;
  retries?: number;
}

/** Reads a local file's header (all parts of a split model). A bad file is MODEL_INVALID naming why. */
export async function readLocalHeader(path: string): Promise<GgufFileInfo> {
  await assertGgufHeader(path);
  try {
    return await readGgufFileInfo(path, {
      readTensorInfo: true,
      ignoreKeys: IGNORED_KEYS,
      logWarnings: false,
    });
  } catch (error) {
    throw headerError(path, error);
  }
}

/** Reads a remote model's header with a few ranged requests (the manifest first for a `:QUANT` tag). */
export async function readRemoteHeader(uri: string, options: RemoteHeaderOptions): Promise<GgufFileInfo> {
  try {
    return await readGgufFileInfo(uri, {
      readTensorInfo: true,
      ignoreKeys: IGNORED_KEYS,
      logWarnings: false,
      signal: options.signal,
      fetchRetryOptions: { retries: options.retries ?? 1, factor: 1, minTimeout: 500, maxTimeout: 1000 },
      endpoints: { huggingFace: options.endpoint },
      // null (not undefined) keeps node-llama-cpp from looking for a token on its own.
      tokens: { huggingFace: options.token ?? (null as unknown as string) },
    });
  } catch (error) {
    if (options.signal?.aborted) {
      throw new MasqueError("ABORTED", `${uri}: the header could not be read in time`, { reason: "timeout" });
    }
    const message = (error as Error).message;
    if (/does not exist|404|not found/i.test(message)) {
      throw new MasqueError("NOT_FOUND", `${uri}: ${message}`, { uri });
    }
    throw headerError(uri, error);
  }
}

function headerError(where: string, error: unknown): MasqueError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new MasqueError("MODEL_INVALID", `${where}: no such file`, { path: where });
  const message = (error as Error).message ?? String(error);
  return new MasqueError(
    "MODEL_INVALID",
    /magic/i.test(message)
      ? `${where}: not a GGUF model (${message})`
      : `${where}: unreadable GGUF header (${message})`,
    { path: where },
  );
}

export function describeHeader(info: GgufFileInfo): ModelMetadata {
  const architecture: unknown = info.metadata?.general?.architecture;
  const context = (info.architectureMetadata as { context_length?: unknown } | undefined)?.context_length;
  return {
    architecture: typeof architecture === "string" && architecture !== "" ? architecture : null,
    parameters: countParameters(info),
    quantization: quantizationOf(info),
    trainedContextSize: typeof context === "number" && context > 0 ? context : null,
    template: detectTemplateFamily(info),
  };
}

/** Why the header cannot describe a loadable model, or null when it can. */
export function headerProblem(info: GgufFileInfo): string | null {
  const architecture: unknown = info.metadata?.general?.architecture;
  if (typeof architecture !== "string" || architecture === "") {
    return "the GGUF header is incomplete or corrupt (no general.architecture); the file may be truncated";
  }
  if ((info.fullTensorInfo ?? info.tensorInfo ?? []).length === 0) return "the GGUF file lists no tensors";
  return null;
}

function tensors(info: GgufFileInfo) {
  return info.fullTensorInfo ?? info.tensorInfo ?? [];
}

function countParameters(info: GgufFileInfo): number | null {
  const all = tensors(info);
  if (all.length === 0) return null;
  return all.reduce((sum, t) => sum + t.dimensions.reduce((n: number, d) => n * Number(d), 1), 0);
}

function quantizationOf(info: GgufFileInfo): string | null {
  const fileType: unknown = info.metadata?.general?.file_type;
  if (typeof fileType === "number" && GgufFileType[fileType] !== undefined) {
    return (GgufFileType[fileType] as string).replace(/^(MOSTLY|ALL)_/, "");
  }
  // No file type in the header: name the tensor type holding most of the weights.
  const byType = new Map<number, number>();
  for (const t of tensors(info)) {
    const count = t.dimensions.reduce((n: number, d) => n * Number(d), 1);
    byType.set(t.ggmlType, (byType.get(t.ggmlType) ?? 0) + count);
  }
  const dominant = [...byType.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return dominant === undefined ? null : (GgmlType[dominant] ?? null);
}

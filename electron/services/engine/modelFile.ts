/**
 * Checks a GGUF file before llama.cpp sees it, so a bad file gets a reason instead of llama.cpp's
 * bare "Failed to load model".
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { type GgufFileInfo, readGgufFileInfo } from "node-llama-cpp";
import type { ModelInfo } from "../../../shared/domain/model";
import { MasqueError } from "../../../shared/errors";
import { assertGgufHeader } from "./ggufPreflight";

export async function inspectModelFile(path: string): Promise<{ info: ModelInfo; gguf: GgufFileInfo }> {
  const invalid = (reason: string) =>
    new MasqueError("MODEL_INVALID", `${path}: ${reason}`, { path, file: basename(path) });
  let sizeBytes: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw invalid("not a file");
    sizeBytes = stats.size;
  } catch (error) {
    if (error instanceof MasqueError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(
      code === "ENOENT" ? "no such file" : `cannot be read (${code ?? (error as Error).message})`,
    );
  }
  if (sizeBytes === 0) throw invalid("the file is empty");
  await assertGgufHeader(path);

  let gguf: GgufFileInfo;
  try {
    gguf = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  } catch (error) {
    const message = (error as Error).message;
    throw invalid(
      /magic/i.test(message) ? `not a GGUF model (${message})` : `unreadable GGUF header (${message})`,
    );
  }
  const architecture: unknown = gguf.metadata?.general?.architecture;
  if (typeof architecture !== "string" || architecture === "") {
    throw invalid(
      "the GGUF header is incomplete or corrupt (no general.architecture); the file may be truncated",
    );
  }
  if ((gguf.tensorInfo?.length ?? 0) === 0) throw invalid("the GGUF file lists no tensors");
  const context = (gguf.architectureMetadata as { context_length?: number } | undefined)?.context_length;
  return {
    gguf,
    info: {
      path,
      fileName: basename(path),
      sizeBytes,
      architecture,
      trainContextSize: typeof context === "number" ? context : 0,
      hasChatTemplate: typeof gguf.metadata?.tokenizer?.chat_template === "string",
    },
  };
}

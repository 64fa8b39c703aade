/**
 * A model file's identity for stored runs: its name, size and full SHA-256. Hashing gigabytes takes
 * seconds, so it runs inside the evaluation job (after `modelFile` checked the file when the run
 * was asked for) and is computed once per (path, size, modification time), kept in the database.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { EvalModelRef } from "../../../shared/domain/eval";
import { MasqueError } from "../../../shared/errors";
import type { EvalRunRepository } from "../../storage/evalRunRepository";

export interface ModelFile {
  path: string;
  fileName: string;
  sizeBytes: number;
  mtimeMs: number;
}

/** Checks that the model file exists (NOT_FOUND / INVALID_INPUT naming `field`). */
export function modelFile(path: string, field = "model"): ModelFile {
  const absolute = resolve(path);
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(absolute);
  } catch {
    throw new MasqueError("NOT_FOUND", `${field}: model file ${absolute} does not exist`, { field });
  }
  if (!info.isFile())
    throw new MasqueError("INVALID_INPUT", `${field}: ${absolute} is not a file`, { field });
  return {
    path: absolute,
    fileName: basename(absolute),
    sizeBytes: info.size,
    mtimeMs: Math.trunc(info.mtimeMs),
  };
}

/** The file's reference with its SHA-256 (from the cache when the file is unchanged). */
export async function modelFingerprint(file: ModelFile, runs: EvalRunRepository): Promise<EvalModelRef> {
  let sha256 = runs.cachedHash(file.path, file.sizeBytes, file.mtimeMs);
  if (!sha256) {
    sha256 = await hashFile(file.path);
    runs.saveHash(file.path, file.sizeBytes, file.mtimeMs, sha256);
  }
  return { path: file.path, fileName: file.fileName, sizeBytes: file.sizeBytes, sha256 };
}

function hashFile(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", fail)
      .on("end", () => done(hash.digest("hex")));
  });
}

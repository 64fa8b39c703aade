/**
 * A model file's identity for stored runs: its name, size and full SHA-256. Hashing gigabytes takes
 * seconds, so the hash is computed once per (path, size, modification time) and kept in the database.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { EvalModelRef } from "../../../shared/domain/eval";
import { MasqueError } from "../../../shared/errors";
import type { EvalRunRepository } from "../../storage/evalRunRepository";

export async function modelFingerprint(path: string, runs: EvalRunRepository): Promise<EvalModelRef> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => {
    throw new MasqueError("NOT_FOUND", `model file ${absolute} does not exist`, { field: "model" });
  });
  if (!info.isFile())
    throw new MasqueError("INVALID_INPUT", `model: ${absolute} is not a file`, { field: "model" });
  const mtime = Math.trunc(info.mtimeMs);
  let sha256 = runs.cachedHash(absolute, info.size, mtime);
  if (!sha256) {
    sha256 = await hashFile(absolute);
    runs.saveHash(absolute, info.size, mtime, sha256);
  }
  return { path: absolute, fileName: basename(absolute), sizeBytes: info.size, sha256 };
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

/**
 * SHA-256 of a whole file (a model or a LoRA adapter), computed once per (path, size, mtime) and
 * remembered in a small JSON file, so a multi-gigabyte model is read in full only the first time.
 * A KV-cache state may only be loaded into the exact model that made it: the fast sampled hash
 * used for provenance cannot tell apart two files whose weights differ in the middle.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

interface CachedDigest {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export class FileDigests {
  private readonly pending = new Map<string, Promise<string>>();
  private cache: Record<string, CachedDigest> | null = null;

  /** `cacheFile`: where digests are remembered between runs (null: only in memory). */
  constructor(private readonly cacheFile: string | null) {}

  async sha256(path: string): Promise<string> {
    const absolute = resolve(path);
    const { size, mtimeMs } = await stat(absolute);
    const key = `${absolute}\u0000${size}\u0000${mtimeMs}`;
    const known = this.load()[absolute];
    if (known && known.size === size && known.mtimeMs === mtimeMs) return known.sha256;
    let running = this.pending.get(key);
    if (!running) {
      running = hashFile(absolute)
        .then(async (sha256) => {
          this.load()[absolute] = { size, mtimeMs, sha256 };
          await this.persist();
          return sha256;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    return running;
  }

  private load(): Record<string, CachedDigest> {
    if (this.cache) return this.cache;
    this.cache = {};
    if (!this.cacheFile) return this.cache;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.cacheFile, "utf8"));
      if (parsed && typeof parsed === "object") this.cache = parsed as Record<string, CachedDigest>;
    } catch {
      // Missing or unreadable: digests are computed again.
    }
    return this.cache;
  }

  private async persist(): Promise<void> {
    if (!this.cacheFile) return;
    try {
      await mkdir(dirname(this.cacheFile), { recursive: true });
      const temp = `${this.cacheFile}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(this.cache));
      await rename(temp, this.cacheFile);
    } catch {
      // Only a cache: the digest is computed again next time.
    }
  }
}

export function hashFile(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolvePromise(hash.digest("hex")));
  });
}

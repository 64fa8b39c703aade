/**
 * SHA-256 of model files, streamed in chunks so the event loop keeps serving the app, and a queue
 * that hashes the library's local files in the background one at a time.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { MasqueError } from "../../../shared/errors";

const CHUNK_BYTES = 4 * 1024 * 1024;

/** The hex SHA-256 of a file; `onBytes` reports progress. Aborting rejects with ABORTED. */
export async function sha256OfFile(
  path: string,
  options: { signal?: AbortSignal; onBytes?: (bytesRead: number) => void } = {},
): Promise<string> {
  const hash = createHash("sha256");
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  let read = 0;
  try {
    for await (const chunk of stream) {
      if (options.signal?.aborted) throw new MasqueError("ABORTED", `hashing ${path} was stopped`);
      hash.update(chunk as Buffer);
      read += (chunk as Buffer).length;
      options.onBytes?.(read);
    }
  } finally {
    stream.destroy();
  }
  return hash.digest("hex");
}

export interface HashJob {
  modelId: number;
  path: string;
}

/**
 * Hashes queued files one after another. A file already queued is not queued twice; `prioritize`
 * moves one to the front and resolves with its hash (used when a setting needs the hash now).
 */
export class HashQueue {
  private readonly queue: HashJob[] = [];
  private readonly waiters = new Map<number, ((hash: string | null) => void)[]>();
  private running: HashJob | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly onHashed: (job: HashJob, sha256: string | null, error?: unknown) => void) {}

  enqueue(job: HashJob): void {
    if (this.running?.modelId === job.modelId || this.queue.some((j) => j.modelId === job.modelId)) return;
    this.queue.push(job);
    void this.pump();
  }

  /** Hashes this model next (or waits for the hash already being computed). Null when it fails. */
  prioritize(job: HashJob): Promise<string | null> {
    const result = new Promise<string | null>((resolve) => {
      this.waiters.set(job.modelId, [...(this.waiters.get(job.modelId) ?? []), resolve]);
    });
    if (this.running?.modelId !== job.modelId) {
      const index = this.queue.findIndex((j) => j.modelId === job.modelId);
      if (index >= 0) this.queue.splice(index, 1);
      this.queue.unshift(job);
      void this.pump();
    }
    return result;
  }

  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  stop(): void {
    this.abort.abort();
    this.queue.length = 0;
    for (const [, resolvers] of this.waiters) for (const resolve of resolvers) resolve(null);
    this.waiters.clear();
  }

  private async pump(): Promise<void> {
    if (this.running || this.abort.signal.aborted) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    let sha: string | null = null;
    let failure: unknown;
    try {
      sha = await sha256OfFile(job.path, { signal: this.abort.signal });
    } catch (error) {
      failure = error;
    }
    this.running = null;
    if (!this.abort.signal.aborted) {
      this.onHashed(job, sha, failure);
      for (const resolve of this.waiters.get(job.modelId) ?? []) resolve(sha);
      this.waiters.delete(job.modelId);
      void this.pump();
    }
  }
}

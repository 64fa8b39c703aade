/**
 * One model download, start to finish, through node-llama-cpp's downloader (ipull underneath):
 * 1. resolve: the hub's manifest and tree API give the file(s) and their published size and SHA-256;
 *    a one-byte probe shows the file answers (a dead server fails here, within the timeout);
 * 2. check the disk (`fs.statfs`) before anything is written, and again once the real size is known;
 * 3. download, keeping the partial `.ipull` file on cancel, crash or `kill -9`, so the same call
 *    later resumes it; a watchdog stops a transfer that makes no progress (ipull retries a failing
 *    server up to 150 times, minutes of silence);
 * 4. verify each file's SHA-256 against the published one. A mismatch keeps the file, renamed
 *    `.rejected`, and fails with MODEL_INVALID naming both hashes.
 */
import { access, rename, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { createModelDownloader, type ModelDownloader } from "node-llama-cpp";
import type { DownloadPhase } from "../../../shared/domain/modelLibrary";
import { MasqueError } from "../../../shared/errors";
import { formatBytes } from "../../../shared/format/bytes";
import { ensureDiskSpace, freeDiskBytes } from "./diskSpace";
import { sha256OfFile } from "./fileHash";
import type { HubClient, PublishedFile } from "./hubClient";
import type { HubFileRef, ModelSource } from "./modelSource";
import { partPathsOf, splitPartInfo } from "./scanner";

export interface JobProgress {
  phase: DownloadPhase;
  fileName: string | null;
  downloadedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface DownloadJobOptions {
  source: ModelSource;
  modelsDir: string;
  endpoint: string;
  token: string | null;
  hub: HubClient;
  /** How long the hub may take to answer one request. */
  timeoutMs: number;
  /** How long a transfer may go without receiving a byte. */
  stallMs: number;
  signal: AbortSignal;
  /** The file name a previous attempt of this download used (its partial file counts as already allocated). */
  previousFileName: string | null;
  onProgress(progress: JobProgress): void;
  /** Called once the local file name is known, so a later resume can find the partial file. */
  onFileName(fileName: string, totalBytes: number): void;
  freeDisk?: (dir: string) => Promise<number>;
}

export interface DownloadedModel {
  /** Every part, the first one first. */
  paths: string[];
  sizeBytes: number;
  /** SHA-256 of the first part. */
  sha256: string;
  /** Every part matched a hash the hub publishes. */
  verified: boolean;
}

interface Target {
  /** What node-llama-cpp downloads: an `hf:` URI or a URL. */
  downloadUri: string;
  /** Published files, in part order; null when the source publishes no hashes (a plain URL). */
  published: PublishedFile[] | null;
  /** The URL probed before downloading. */
  probeUrl: string;
  /** Whether requests may carry the token. */
  onHub: boolean;
}

export async function runDownloadJob(options: DownloadJobOptions): Promise<DownloadedModel> {
  const { source, signal } = options;
  const report = (
    phase: DownloadPhase,
    fileName: string | null,
    done: number,
    total: number,
    speed = 0,
    eta: number | null = null,
  ) =>
    options.onProgress({
      phase,
      fileName,
      downloadedBytes: done,
      totalBytes: total,
      bytesPerSecond: speed,
      etaSeconds: eta,
    });

  report("resolving", null, 0, 0);
  const target = await resolveTarget(options);
  const probed = await options.hub.probe(target.probeUrl, signal);
  const publishedTotal = target.published?.reduce((sum, f) => sum + (f.size ?? 0), 0) || probed.size || 0;
  const freeDisk = options.freeDisk ?? freeDiskBytes;
  const credit = await partialBytes(options.modelsDir, options.previousFileName);
  await ensureDiskSpace(options.modelsDir, Math.max(0, publishedTotal - credit), source.uri, freeDisk);

  const downloader = await createDownloader(options, target);
  const files = downloader.filesInfo;
  const totalBytes = downloader.totalSize;
  const fileName = downloader.entrypointFilename;
  options.onFileName(fileName, totalBytes);
  try {
    checkServedSizes(source.uri, target.published, files);
    const needed = (
      await Promise.all(
        files.map(async (f) =>
          (await exists(`${f.filePath}.ipull`)) || (await exists(f.filePath)) ? 0 : f.totalSize,
        ),
      )
    ).reduce((a, b) => a + b, 0);
    await ensureDiskSpace(options.modelsDir, needed, source.uri, freeDisk);
  } catch (error) {
    await downloader.cancel({ deleteTempFile: false }).catch(() => undefined);
    throw error;
  }

  await transfer(options, downloader, (done, speed, eta) =>
    report("downloading", fileName, done, totalBytes, speed, eta),
  );

  const paths = files.map((f) => f.filePath);
  for (const path of paths) {
    if (!(await exists(path))) {
      throw new MasqueError(
        "ABORTED",
        `${source.uri}: the download ended without ${basename(path)}; pull again to resume`,
      );
    }
  }
  return verify(options, paths, target.published, (done) => report("verifying", fileName, done, totalBytes));
}

async function resolveTarget(options: DownloadJobOptions): Promise<Target> {
  const { source, hub, signal, endpoint } = options;
  const resolveUrl = (f: HubFileRef) =>
    `${endpoint}${encodeURIComponent(f.user)}/${encodeURIComponent(f.repo)}/resolve/${encodeURIComponent(f.branch)}/` +
    `${f.filePath.split("/").map(encodeURIComponent).join("/")}?download=true`;
  if (source.kind === "hfTag") {
    const manifest = await hub.manifest(source.user, source.repo, source.tag, signal);
    const file = { user: source.user, repo: source.repo, branch: "main", filePath: manifest.rfilename };
    return {
      downloadUri: source.uri,
      published: await publishedParts(options, file),
      probeUrl: resolveUrl(file),
      onHub: true,
    };
  }
  if (source.kind === "hfFile") {
    return {
      downloadUri: source.uri,
      published: await publishedParts(options, source.file),
      probeUrl: resolveUrl(source.file),
      onHub: true,
    };
  }
  if (source.file) {
    return {
      downloadUri: source.uri,
      published: await publishedParts(options, source.file),
      probeUrl: source.uri,
      onHub: true,
    };
  }
  return { downloadUri: source.uri, published: null, probeUrl: source.uri, onHub: hub.isHubUrl(source.uri) };
}

/** The published size and hash of each part (a split model lists every part). */
async function publishedParts(
  options: DownloadJobOptions,
  file: HubFileRef,
): Promise<PublishedFile[] | null> {
  const listing = await options.hub.directory(file, options.signal);
  const partNames = splitPartInfo(file.filePath) ? partPathsOf(file.filePath) : [file.filePath];
  const parts = partNames.map((name) => listing.find((entry) => entry.path === name));
  const missing = partNames.filter((_, i) => parts[i] === undefined);
  if (missing.length > 0) {
    throw new MasqueError("NOT_FOUND", `${options.source.uri}: the hub does not list ${missing.join(", ")}`, {
      uri: options.source.uri,
    });
  }
  const found = parts as PublishedFile[];
  return found.every((p) => p.sha256 !== null) ? found : null;
}

async function createDownloader(options: DownloadJobOptions, target: Target): Promise<ModelDownloader> {
  const headers: Record<string, string> =
    options.token && target.onHub ? { Authorization: `Bearer ${options.token}` } : {};
  const creation = createModelDownloader({
    modelUri: target.downloadUri,
    dirPath: options.modelsDir,
    deleteTempFileOnCancel: false,
    skipExisting: true,
    showCliProgress: false,
    headers,
    endpoints: { huggingFace: options.endpoint },
    // null (not undefined) keeps node-llama-cpp from reading a token from env or ~/.cache on its own.
    tokens: { huggingFace: target.onHub && options.token ? options.token : (null as unknown as string) },
  });
  // createModelDownloader takes no signal; a server that stops answering must not hang the app.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new MasqueError(
            "ABORTED",
            `${options.source.uri}: the server did not start the download within ${Math.round(options.timeoutMs / 1000)} s`,
            { reason: "timeout" },
          ),
        ),
      options.timeoutMs,
    );
  });
  const aborted = new Promise<never>((_, reject) => {
    options.signal.addEventListener(
      "abort",
      () => reject(new MasqueError("ABORTED", `${options.source.uri}: cancelled`)),
      {
        once: true,
      },
    );
  });
  try {
    return await Promise.race([creation, timeout, aborted]);
  } catch (error) {
    // A late downloader is closed as soon as it exists.
    void creation.then((late) => late.cancel({ deleteTempFile: false })).catch(() => undefined);
    throw downloadError(options.source.uri, error);
  } finally {
    clearTimeout(timer);
  }
}

function checkServedSizes(
  uri: string,
  published: PublishedFile[] | null,
  files: { fileName: string; totalSize: number }[],
): void {
  if (!published) return;
  files.forEach((file, i) => {
    const expected = published[i]?.size;
    if (expected != null && file.totalSize > 0 && expected !== file.totalSize) {
      throw new MasqueError(
        "MODEL_INVALID",
        `${uri}: the hub publishes ${expected} bytes for ${published[i]?.path} but serves ${file.totalSize}; nothing was downloaded`,
        { expectedBytes: expected, servedBytes: file.totalSize },
      );
    }
  });
}

/** Runs the transfer; a cancel or a stall ends it with ABORTED, the partial file kept. */
async function transfer(
  options: DownloadJobOptions,
  downloader: ModelDownloader,
  onBytes: (done: number, speed: number, eta: number | null) => void,
): Promise<void> {
  const local = new AbortController();
  let stalled = false;
  let last = downloader.downloadedSize;
  let lastChange = Date.now();
  const samples: { at: number; bytes: number }[] = [{ at: Date.now(), bytes: last }];
  const onAbort = () => local.abort();
  options.signal.addEventListener("abort", onAbort, { once: true });
  const tick = () => {
    const now = Date.now();
    const done = downloader.downloadedSize;
    if (done !== last) {
      last = done;
      lastChange = now;
    } else if (now - lastChange > options.stallMs && !local.signal.aborted) {
      stalled = true;
      local.abort();
    }
    samples.push({ at: now, bytes: done });
    while (samples.length > 2 && (samples[0] as { at: number }).at < now - 5000) samples.shift();
    const first = samples[0] as { at: number; bytes: number };
    const speed = now > first.at ? ((done - first.bytes) / (now - first.at)) * 1000 : 0;
    const left = downloader.totalSize - done;
    onBytes(done, speed, speed > 0 ? Math.ceil(left / speed) : null);
  };
  const timer = setInterval(tick, 250);
  try {
    await downloader.download({ signal: local.signal });
  } catch (error) {
    if (!local.signal.aborted) throw downloadError(options.source.uri, error);
  } finally {
    clearInterval(timer);
    options.signal.removeEventListener("abort", onAbort);
  }
  tick();
  if (local.signal.aborted) {
    // download() resolves (not rejects) when aborted mid-transfer; make sure the partial file is closed.
    await downloader.cancel({ deleteTempFile: false }).catch(() => undefined);
    const kept = `${formatBytes(downloader.downloadedSize)} of ${formatBytes(downloader.totalSize)}`;
    throw stalled
      ? new MasqueError(
          "ABORTED",
          `${options.source.uri}: no data arrived for ${Math.round(options.stallMs / 1000)} s; ${kept} kept, pull again to resume`,
          { reason: "stall", resumable: true },
        )
      : new MasqueError("ABORTED", `${options.source.uri}: cancelled; ${kept} kept, pull again to resume`, {
          reason: "cancelled",
          resumable: true,
        });
  }
}

async function verify(
  options: DownloadJobOptions,
  paths: string[],
  published: PublishedFile[] | null,
  onBytes: (done: number) => void,
): Promise<DownloadedModel> {
  let hashedBefore = 0;
  const hashes: string[] = [];
  let sizeBytes = 0;
  for (const [i, path] of paths.entries()) {
    const actual = await sha256OfFile(path, {
      signal: options.signal,
      onBytes: (n) => onBytes(hashedBefore + n),
    });
    const size = (await stat(path)).size;
    hashedBefore += size;
    sizeBytes += size;
    const expected = published?.[i]?.sha256 ?? null;
    if (expected !== null && expected !== actual) {
      const rejected = `${path}.rejected`;
      await rename(path, rejected);
      throw new MasqueError(
        "MODEL_INVALID",
        `${options.source.uri}: ${basename(path)} does not match the hub's SHA-256 (expected ${expected}, got ${actual}); ` +
          `it was not added to the library and is kept as ${rejected}`,
        { expectedSha256: expected, actualSha256: actual, path: rejected },
      );
    }
    hashes.push(actual);
  }
  return { paths, sizeBytes, sha256: hashes[0] as string, verified: published !== null };
}

/** Maps what node-llama-cpp and ipull throw to the contract's codes; messages never carry headers. */
function downloadError(uri: string, error: unknown): MasqueError {
  if (error instanceof MasqueError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  const message = e.message ?? String(error);
  if (e.code === "ENOSPC")
    return new MasqueError("STORAGE_FULL", `${uri}: the disk is full; the partial file is kept`);
  if (e.statusCode === 404 || /does not exist|status code: 404/i.test(message)) {
    return new MasqueError("NOT_FOUND", `${uri}: the server has no such file (HTTP 404)`, { uri });
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new MasqueError(
      "UNAUTHORIZED",
      `${uri}: access refused (HTTP ${e.statusCode}); a gated repository needs HF_TOKEN`,
    );
  }
  const status = e.statusCode ? `HTTP ${e.statusCode}` : message.replace(/Bearer\s+\S+/g, "Bearer ***");
  return new MasqueError("ABORTED", `${uri}: the download failed (${status}); pull again to resume`, {
    reason: "network",
    resumable: true,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Bytes already on disk from an earlier attempt: its preallocated `.ipull` file, or the finished file. */
async function partialBytes(dir: string, fileName: string | null): Promise<number> {
  if (!fileName) return 0;
  for (const name of [`${fileName}.ipull`, fileName]) {
    const info = await stat(join(dir, name)).catch(() => null);
    if (info) return info.size;
  }
  return 0;
}

/**
 * Downloads as long work: `start` validates the URI and returns an id at once; progress (throttled),
 * completion and errors follow as `models.download.*` events. A download of the same URI is never
 * run twice. Every download is recorded until it finishes, so one cut short by a quit, a crash or
 * `kill -9` is listed as paused and resumes from its partial file.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { EventName, EventTypes } from "../../../shared/api/contract";
import type { DownloadInfo, DownloadProgress, ModelEntry } from "../../../shared/domain/modelLibrary";
import { type ApiError, MasqueError, toApiError } from "../../../shared/errors";
import type { DownloadRecord, ModelRepository } from "../../storage/modelRepository";
import { type DownloadedModel, type JobProgress, runDownloadJob } from "./downloadJob";
import { HubClient } from "./hubClient";
import type { HubToken } from "./hubToken";
import { parseModelSource } from "./modelSource";
import type { ModelsConfig } from "./modelsConfig";

const PROGRESS_EVERY_MS = 250;
const RECORD_EVERY_MS = 2000;

interface Job {
  id: string;
  uri: string;
  controller: AbortController;
  progress: DownloadProgress;
  done: Promise<void>;
}

export interface DownloadManagerOptions {
  repository: ModelRepository;
  modelsDir: string;
  config: () => ModelsConfig;
  token: HubToken;
  emit: <E extends EventName>(event: E, payload: EventTypes[E]) => void;
  /** Adds the verified files to the library. */
  register: (uri: string, model: DownloadedModel) => Promise<ModelEntry>;
  freeDisk?: (dir: string) => Promise<number>;
}

/** Whether a process id still runs (EPERM: it runs, as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class DownloadManager {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: DownloadManagerOptions) {
    options.repository.pauseInterruptedDownloads(isAlive);
  }

  /** Starts (or resumes) a download; a bad URI is INVALID_INPUT right away. */
  start(input: string): { downloadId: string; uri: string } {
    const config = this.options.config();
    const source = parseModelSource(input, config.endpoint);
    const running = [...this.jobs.values()].find((j) => j.uri === source.uri);
    if (running) return { downloadId: running.id, uri: running.uri };

    const previous = this.options.repository.getDownload(source.uri);
    if (previous?.state === "running" && previous.ownerPid !== process.pid && previous.ownerPid !== null) {
      if (isAlive(previous.ownerPid)) {
        throw new MasqueError(
          "BUSY",
          `${source.uri} is being downloaded by another Masque process (${previous.ownerPid})`,
        );
      }
    }
    const id = randomUUID();
    const controller = new AbortController();
    const record: DownloadRecord = {
      uri: source.uri,
      fileName: previous?.fileName ?? null,
      totalBytes: previous?.totalBytes ?? 0,
      downloadedBytes: previous?.downloadedBytes ?? 0,
      state: "running",
      ownerPid: process.pid,
      errorCode: null,
      errorMessage: null,
      updatedAt: Date.now(),
    };
    this.options.repository.saveDownload(record);
    const job: Job = {
      id,
      uri: source.uri,
      controller,
      progress: {
        downloadId: id,
        uri: source.uri,
        fileName: record.fileName,
        phase: "resolving",
        downloadedBytes: 0,
        totalBytes: record.totalBytes,
        bytesPerSecond: 0,
        etaSeconds: null,
      },
      done: Promise.resolve(),
    };
    this.jobs.set(id, job);
    let lastEmit = 0;
    let lastRecord = 0;
    const onProgress = (progress: JobProgress) => {
      const phaseChanged = progress.phase !== job.progress.phase;
      job.progress = { downloadId: id, uri: source.uri, ...progress };
      const now = Date.now();
      if (phaseChanged || now - lastEmit >= PROGRESS_EVERY_MS) {
        lastEmit = now;
        this.options.emit("models.download.progress", job.progress);
      }
      if (now - lastRecord >= RECORD_EVERY_MS) {
        lastRecord = now;
        record.downloadedBytes = progress.downloadedBytes;
        record.updatedAt = now;
        this.options.repository.saveDownload(record);
      }
    };
    job.done = runDownloadJob({
      source,
      modelsDir: this.options.modelsDir,
      endpoint: config.endpoint,
      token: this.options.token.get(),
      hub: new HubClient({
        endpoint: config.endpoint,
        token: this.options.token.get(),
        timeoutMs: config.timeoutMs,
      }),
      timeoutMs: config.timeoutMs,
      stallMs: config.stallMs,
      signal: controller.signal,
      previousFileName: record.fileName,
      onProgress,
      onFileName: (fileName, totalBytes) => {
        record.fileName = fileName;
        record.totalBytes = totalBytes;
        this.options.repository.saveDownload(record);
      },
      ...(this.options.freeDisk ? { freeDisk: this.options.freeDisk } : {}),
    })
      .then(async (downloaded) => {
        const model = await this.options.register(source.uri, downloaded);
        this.options.repository.deleteDownload(source.uri);
        this.options.emit("models.download.done", { downloadId: id, uri: source.uri, model });
      })
      .catch((error: unknown) => {
        const apiError: ApiError = toApiError(error);
        const resumable = apiError.code === "ABORTED";
        record.state = resumable ? "paused" : "failed";
        record.ownerPid = null;
        record.errorCode = apiError.code;
        record.errorMessage = apiError.message;
        record.downloadedBytes = job.progress.downloadedBytes;
        record.updatedAt = Date.now();
        this.options.repository.saveDownload(record);
        this.options.emit("models.download.error", {
          downloadId: id,
          uri: source.uri,
          error: apiError,
          resumable,
        });
      })
      .finally(() => this.jobs.delete(id));
    return { downloadId: id, uri: source.uri };
  }

  /** Stops a running download; its partial file is kept for a resume. */
  cancel(downloadId: string): { cancelled: boolean } {
    const job = this.jobs.get(downloadId);
    if (!job) return { cancelled: false };
    job.controller.abort();
    return { cancelled: true };
  }

  list(): DownloadInfo[] {
    const running = new Map([...this.jobs.values()].map((j) => [j.uri, j]));
    return this.options.repository.listDownloads().map((record): DownloadInfo => {
      const job = running.get(record.uri);
      if (job) {
        return { ...job.progress, downloadId: job.id, state: "running", error: null, updatedAt: Date.now() };
      }
      return {
        downloadId: null,
        uri: record.uri,
        fileName: record.fileName,
        phase: "downloading",
        downloadedBytes: record.downloadedBytes,
        totalBytes: record.totalBytes,
        bytesPerSecond: 0,
        etaSeconds: null,
        state: record.state === "running" ? "paused" : record.state,
        error: record.errorCode ? { code: record.errorCode, message: record.errorMessage ?? "" } : null,
        updatedAt: record.updatedAt,
      };
    });
  }

  /** Forgets a stopped download; with `deletePartial`, its partial file too (the user asked). */
  async dismiss(
    uri: string,
    deletePartial: boolean,
  ): Promise<{ dismissed: boolean; deletedPartial: boolean }> {
    if ([...this.jobs.values()].some((j) => j.uri === uri)) {
      throw new MasqueError("BUSY", `${uri} is downloading; cancel it first`);
    }
    const record = this.options.repository.getDownload(uri);
    if (!record) return { dismissed: false, deletedPartial: false };
    let deletedPartial = false;
    if (deletePartial && record.fileName) {
      const partial = join(this.options.modelsDir, `${record.fileName}.ipull`);
      await rm(partial, { force: true });
      deletedPartial = true;
    }
    this.options.repository.deleteDownload(uri);
    return { dismissed: true, deletedPartial };
  }

  /** Stops every download (partial files kept) and waits for them to settle. */
  async stopAll(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.all(jobs.map((j) => j.done));
  }
}

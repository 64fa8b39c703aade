/**
 * The model library: every GGUF model Masque knows (downloaded into `<dataDir>/models`, found in
 * folders the user added, or chosen as a file), what its header says, whether it is still there,
 * whether it fits, and its per-model settings. The engine loads what `planLoad` resolves.
 */
import { existsSync, statSync } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import type { GgufFileInfo, Llama } from "node-llama-cpp";
import type { EventName, EventTypes } from "../../../shared/api/contract";
import type {
  CatalogEntry,
  FitEstimate,
  HubTokenStatus,
  ModelEntry,
  PerModelSettings,
} from "../../../shared/domain/modelLibrary";
import { MasqueError } from "../../../shared/errors";
import { formatBytes } from "../../../shared/format/bytes";
import type { ModelRecord, ModelRepository, NewModel } from "../../storage/modelRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import { applyPreset } from "../presets";
import { catalogFit, loadCatalog } from "./catalog";
import type { DownloadedModel } from "./downloadJob";
import { DownloadManager } from "./downloadManager";
import { HashQueue } from "./fileHash";
import { FitEstimator, type HardwareProbe, hardwareOf, osHardware } from "./fitEstimator";
import { describeHeader, headerProblem, readLocalHeader, readRemoteHeader } from "./ggufHeader";
import { HubToken, type TokenVault } from "./hubToken";
import { parseModelSource } from "./modelSource";
import { modelsConfig } from "./modelsConfig";
import { type PerModelPatch, perModelSettings, syncPerModel, updatePerModel } from "./perModelSettings";
import { partPathsOf, scanFolder, splitPartInfo } from "./scanner";

export interface ModelLibraryOptions {
  repository: ModelRepository;
  settings: SettingsStore;
  dataDir: string;
  /** The process's one Llama (for memory figures that see the GPU), when the engine has one. */
  getLlama?: () => Promise<Llama | undefined>;
  hardware?: HardwareProbe;
  tokenVault?: TokenVault | null;
  emit: <E extends EventName>(event: E, payload: EventTypes[E]) => void;
  /** The active model or its load settings changed: a loaded model must be reloaded before the next use. */
  onReloadNeeded?: () => void;
  log?: (line: string) => void;
  freeDisk?: (dir: string) => Promise<number>;
}

/** What loading a model will use, decided before llama.cpp is asked. */
export interface LoadPlan {
  path: string;
  contextSize: number;
  gpuLayers: number | undefined;
  fit: FitEstimate;
  /** Why the context is smaller than asked, when it is. */
  note: string | null;
}

const FIT_CACHE_MS = 30_000;
const HEADER_CACHE = 32;

export class ModelLibrary {
  readonly modelsDir: string;
  readonly downloads: DownloadManager;
  private readonly token: HubToken;
  private readonly fitEstimator: FitEstimator;
  private readonly hashes: HashQueue;
  private readonly headers = new Map<string, Promise<GgufFileInfo>>();
  private readonly fits = new Map<string, { at: number; fit: Promise<FitEstimate> }>();
  private readonly notes = new Map<string, string>();
  private scanned = false;

  constructor(private readonly options: ModelLibraryOptions) {
    this.modelsDir = join(options.dataDir, "models");
    this.token = new HubToken(options.tokenVault ?? null);
    this.fitEstimator = new FitEstimator(options.getLlama ?? (async () => undefined), options.hardware);
    this.hashes = new HashQueue((job, sha256, error) => {
      if (sha256) {
        const info = statsOf(job.path);
        if (info && this.options.repository.setSha256(job.modelId, sha256, info.size, info.mtimeMs)) {
          this.options.emit("models.changed", { modelIds: [job.modelId] });
        }
      } else if (error) {
        options.log?.(`could not hash ${job.path}: ${(error as Error).message}`);
      }
    });
    this.downloads = new DownloadManager({
      repository: options.repository,
      modelsDir: this.modelsDir,
      config: () => this.config(),
      token: this.token,
      emit: options.emit,
      register: (uri, model) => this.registerDownload(uri, model),
      ...(options.freeDisk ? { freeDisk: options.freeDisk } : {}),
    });
  }

  config() {
    return modelsConfig(this.options.settings.getAll());
  }

  async list(input: { rescan?: boolean } = {}): Promise<ModelEntry[]> {
    if (input.rescan || !this.scanned) await this.rescan();
    const records = this.options.repository.list();
    return Promise.all(records.map((r) => this.entry(r, true)));
  }

  /** Adds one GGUF file, or a folder (remembered and scanned recursively). */
  async add(path: string): Promise<{ added: ModelEntry[]; folder: string | null }> {
    const full = resolve(path);
    const info = await stat(full).catch(() => null);
    if (!info) throw new MasqueError("NOT_FOUND", `${full}: no such file or folder`, { path: full });
    if (info.isDirectory()) {
      this.options.repository.addFolder(full);
      const records = await this.scanOne(full);
      return { added: await Promise.all(records.map((r) => this.entry(r, true))), folder: full };
    }
    const record = await this.addFile(full, "file", full, true);
    return { added: [await this.entry(record, true)], folder: null };
  }

  folders(): string[] {
    return this.options.repository.listFolders();
  }

  removeFolder(path: string): { removed: boolean } {
    return { removed: this.options.repository.removeFolder(resolve(path)) };
  }

  async fit(input: { id?: number; path?: string; uri?: string; contextSize?: number; gpuLayers?: number }) {
    const settings = this.options.settings.getAll();
    if (input.uri !== undefined) {
      const config = this.config();
      const source = parseModelSource(input.uri, config.endpoint);
      const header = await readRemoteHeader(source.uri, {
        endpoint: config.endpoint,
        token: this.token.get(),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      return this.fitEstimator.estimate(`uri:${source.uri}`, header, {
        contextSize: input.contextSize ?? settings.contextSize,
        ...(input.gpuLayers === undefined ? {} : { gpuLayers: input.gpuLayers }),
      });
    }
    const record =
      input.id !== undefined
        ? this.options.repository.get(input.id)
        : this.options.repository.findByPath(canonicalPath(resolve(input.path as string)));
    const path = record?.path ?? canonicalPath(resolve(input.path as string));
    const per = perModelSettings(settings, record?.sha256 ?? null);
    const header = await this.header(path);
    const gpuLayers = input.gpuLayers ?? per.gpuLayers;
    return this.fitEstimator.estimate(this.fileKey(path), header, {
      contextSize: input.contextSize ?? per.contextSize ?? settings.contextSize,
      ...(gpuLayers === undefined ? {} : { gpuLayers }),
    });
  }

  /** Makes a model the active one; a path not in the library yet is added first. */
  async use(input: { id?: number; path?: string }): Promise<ModelEntry> {
    let record: ModelRecord;
    if (input.id !== undefined) record = this.options.repository.get(input.id);
    else {
      const full = resolve(input.path as string);
      record =
        this.options.repository.findByPath(canonicalPath(full)) ??
        (await this.addFile(full, "file", full, true));
    }
    this.ensureUsable(record);
    const store = this.options.settings;
    const before = store.getAll().modelPath;
    store.update({ modelPath: record.path });
    if (record.sha256) {
      const per = syncPerModel(store, record.sha256, record.path);
      if (per.samplerPreset && store.getAll().samplerPresets.some((p) => p.name === per.samplerPreset)) {
        applyPreset(store, per.samplerPreset);
      }
    }
    if (before !== record.path) this.options.onReloadNeeded?.();
    return this.entry(this.options.repository.get(record.id), true);
  }

  /** Forgets a model; deletes its file(s) only when asked and only if Masque downloaded them. */
  async remove(id: number, deleteFile: boolean): Promise<{ removed: true; deletedFile: boolean }> {
    const record = this.options.repository.get(id);
    if (deleteFile && !(record.origin === "download" && isInside(this.modelsDir, record.path))) {
      throw new MasqueError(
        "INVALID_INPUT",
        `${record.path} was not downloaded by Masque; it is left where it is (remove it from the library without --delete-file)`,
        { path: record.path },
      );
    }
    let deletedFile = false;
    if (deleteFile) {
      for (const part of partPathsOf(record.path)) await rm(part, { force: true });
      deletedFile = true;
      this.options.log?.(
        `deleted ${record.path} (${formatBytes(record.sizeBytes)}), downloaded from ${record.source}`,
      );
    }
    this.options.repository.delete(id);
    const settings = this.options.settings.getAll();
    if (settings.modelPath === record.path) {
      this.options.settings.update({ modelPath: "" });
      this.options.onReloadNeeded?.();
    }
    return { removed: true, deletedFile };
  }

  async catalog(): Promise<CatalogEntry[]> {
    const settings = this.options.settings.getAll();
    const llama = await this.options.getLlama?.();
    const hardware = await (this.options.hardware ?? (llama ? hardwareOf(llama) : osHardware))();
    const installed = new Map(
      this.options.repository
        .list()
        .filter((r) => r.origin === "download")
        .map((r) => [r.source, r.id]),
    );
    return loadCatalog().map((model) => {
      const { kvBytesPerToken, layers, ...shown } = model;
      return {
        ...shown,
        fit: catalogFit(model, settings.contextSize, hardware),
        installedModelId: installed.get(model.uri) ?? null,
      };
    });
  }

  async settingsFor(id: number): Promise<PerModelSettings> {
    const record = await this.hashed(id);
    return syncPerModel(this.options.settings, record.sha256 as string, record.path);
  }

  async updateSettings(id: number, patch: PerModelPatch): Promise<PerModelSettings> {
    const record = await this.hashed(id);
    const updated = updatePerModel(this.options.settings, record.sha256 as string, record.path, patch);
    if (this.options.settings.getAll().modelPath === record.path) this.options.onReloadNeeded?.();
    return updated;
  }

  tokenStatus(): HubTokenStatus {
    return this.token.status();
  }

  setToken(token: string | null): HubTokenStatus {
    return this.token.set(token);
  }

  /**
   * What to load for `path` (added to the library if new): refused with MODEL_TOO_LARGE (and the
   * numbers) when even the smallest context does not fit, before llama.cpp is asked. The context is
   * the requested one, capped by the trained context and by what fits; `note` says so when it is
   * capped. Null for a file that is missing or not a model: the engine reports those.
   */
  async planLoad(path: string, requestedContext?: number): Promise<LoadPlan | null> {
    const full = canonicalPath(resolve(path));
    let record: ModelRecord;
    try {
      record = this.options.repository.findByPath(full) ?? (await this.addFile(full, "file", full, true));
      this.ensureUsable(record);
    } catch (error) {
      // A file that is not there or is not a model is the engine's to report: it names the reason
      // and shows it in the model status.
      if (error instanceof MasqueError && (error.code === "NOT_FOUND" || error.code === "MODEL_INVALID"))
        return null;
      throw error;
    }
    const settings = this.options.settings.getAll();
    const per = record.sha256 ? syncPerModel(this.options.settings, record.sha256, record.path) : {};
    const requested = requestedContext ?? per.contextSize ?? settings.contextSize;
    const header = await this.header(record.path);
    const fit = await this.fitEstimator.estimate(this.fileKey(record.path), header, {
      contextSize: requested,
      ...(per.gpuLayers === undefined ? {} : { gpuLayers: per.gpuLayers }),
    });
    if (!fit.fits && fit.maxContextSize === 0) {
      throw new MasqueError(
        "MODEL_TOO_LARGE",
        `${basename(record.path)} does not fit in this machine's memory: it needs about ${formatBytes(fit.ramBytes)} of RAM` +
          `${fit.vramBytes > 0 ? ` and ${formatBytes(fit.vramBytes)} of VRAM` : ""} with a ${fit.contextSize}-token context`,
        {
          path: record.path,
          neededRamBytes: fit.ramBytes,
          neededVramBytes: fit.vramBytes,
          contextSize: fit.contextSize,
        },
      );
    }
    await this.ensureComplete(record, header);
    const contextSize = fit.fits ? fit.contextSize : fit.maxContextSize;
    const note =
      contextSize < requested
        ? contextSize === record.trainedContextSize && fit.fits
          ? `Context ${requested} capped to ${contextSize}, the context this model was trained with.`
          : `Context ${requested} capped to ${contextSize}, the most that fits in memory.`
        : null;
    if (note) this.notes.set(record.path, note);
    else this.notes.delete(record.path);
    return { path: record.path, contextSize, gpuLayers: per.gpuLayers, fit, note };
  }

  /** The engine loaded `path`: remember when it was last used. */
  loaded(path: string): void {
    const record = this.options.repository.findByPath(path);
    if (!record) return;
    this.options.repository.touch(record.id);
    this.options.emit("models.changed", { modelIds: [record.id] });
  }

  async dispose(): Promise<void> {
    this.hashes.stop();
    await this.downloads.stopAll();
    await this.fitEstimator.dispose();
  }

  private async rescan(): Promise<void> {
    this.scanned = true;
    for (const folder of this.options.repository.listFolders()) await this.scanOne(folder);
    // Files that changed since they were read get their header read again.
    for (const record of this.options.repository.list()) {
      const info = statsOf(record.path);
      if (info && (info.size !== record.sizeBytes || info.mtimeMs !== record.mtimeMs) && record.parts === 1) {
        await this.addFile(record.path, record.origin, record.source, false).catch(() => undefined);
      } else if (info && !record.sha256) {
        this.hashes.enqueue({ modelId: record.id, path: record.path });
      }
    }
  }

  private async scanOne(folder: string): Promise<ModelRecord[]> {
    const found = await scanFolder(folder, [this.modelsDir]);
    const records: ModelRecord[] = [];
    for (const model of found.models) records.push(await this.addFile(model.path, "folder", folder, false));
    for (const skipped of found.skipped) this.options.log?.(`skipped ${skipped.path}: ${skipped.reason}`);
    return records;
  }

  /**
   * Reads the header and stores the model. A single file that is not a GGUF model is refused
   * (`strict`); in a scan it is recorded with its problem, so the user sees why it cannot be used.
   */
  private async addFile(path: string, origin: ModelRecord["origin"], source: string, strict: boolean) {
    const first = canonicalPath(path);
    const parts = partPathsOf(first);
    const missing = parts.filter((p) => !existsSync(p));
    if (missing.length > 0) {
      throw new MasqueError("NOT_FOUND", `${first}: missing ${missing.map((p) => basename(p)).join(", ")}`, {
        path: first,
      });
    }
    const stats = parts.map((p) => statSync(p));
    if (!stats.every((s) => s.isFile())) throw new MasqueError("INVALID_INPUT", `${first} is not a file`);
    const base: Omit<
      NewModel,
      "architecture" | "parameters" | "quantization" | "trainedContextSize" | "template" | "problem"
    > = {
      path: first,
      fileName: basename(first),
      sizeBytes: stats.reduce((sum, s) => sum + s.size, 0),
      parts: parts.length,
      mtimeMs: Math.max(...stats.map((s) => Math.floor(s.mtimeMs))),
      sha256: null,
      verified: false,
      origin,
      source,
    };
    let model: NewModel;
    try {
      const header = await this.header(first, true);
      const problem = headerProblem(header);
      if (problem && strict) throw new MasqueError("MODEL_INVALID", `${first}: ${problem}`, { path: first });
      model = { ...base, ...describeHeader(header), problem };
    } catch (error) {
      if (strict || !(error instanceof MasqueError)) throw error;
      model = {
        ...base,
        architecture: null,
        parameters: null,
        quantization: null,
        trainedContextSize: null,
        template: null,
        problem: error.message,
      };
    }
    const record = this.options.repository.upsert(model);
    if (!record.sha256 && !record.problem) this.hashes.enqueue({ modelId: record.id, path: record.path });
    return record;
  }

  private async registerDownload(uri: string, downloaded: DownloadedModel): Promise<ModelEntry> {
    const first = downloaded.paths[0] as string;
    const header = await this.header(first, true);
    const problem = headerProblem(header);
    if (problem) throw new MasqueError("MODEL_INVALID", `${uri}: ${problem}`, { path: first });
    const stats = downloaded.paths.map((p) => statSync(p));
    const record = this.options.repository.upsert({
      path: first,
      fileName: basename(first),
      sizeBytes: downloaded.sizeBytes,
      parts: downloaded.paths.length,
      mtimeMs: Math.max(...stats.map((s) => Math.floor(s.mtimeMs))),
      sha256: downloaded.sha256,
      verified: downloaded.verified,
      origin: "download",
      source: uri,
      ...describeHeader(header),
      problem: null,
    });
    return this.entry(record, false);
  }

  private ensureUsable(record: ModelRecord): void {
    if (partPathsOf(record.path).some((p) => !existsSync(p))) {
      throw new MasqueError(
        "MODEL_INVALID",
        `${record.path} is missing (moved or deleted); add it again from its new place`,
        {
          path: record.path,
          modelId: record.id,
        },
      );
    }
    if (record.problem) {
      throw new MasqueError("MODEL_INVALID", `${record.path}: ${record.problem}`, {
        path: record.path,
        modelId: record.id,
      });
    }
  }

  /**
   * Refuses a single-file model shorter than the tensor data its header describes (an interrupted
   * copy or download). llama.cpp would refuse it too, but a failed load in node-llama-cpp 3.21.1
   * can leave the Llama unable to dispose, so such a file never gets that far.
   */
  private async ensureComplete(record: ModelRecord, header: GgufFileInfo): Promise<void> {
    if (record.parts !== 1) return;
    const offsets = (header.fullTensorInfo ?? header.tensorInfo ?? []).map((t) => Number(t.fileOffset));
    if (offsets.length === 0) return;
    const needed =
      Math.min(...offsets) + (await this.fitEstimator.tensorBytes(this.fileKey(record.path), header));
    const size = statsOf(record.path)?.size ?? 0;
    if (needed > size) {
      throw new MasqueError(
        "MODEL_INVALID",
        `${record.path}: the file is incomplete (its tensors need ${needed} bytes, the file has ${size}); it may be truncated`,
        { path: record.path, neededBytes: needed, sizeBytes: size },
      );
    }
  }

  private async hashed(id: number): Promise<ModelRecord> {
    const record = this.options.repository.get(id);
    if (record.sha256) return record;
    this.ensureUsable(record);
    const sha = await this.hashes.prioritize({ modelId: record.id, path: record.path });
    const updated = this.options.repository.get(id);
    if (!sha || !updated.sha256) {
      throw new MasqueError("MODEL_INVALID", `${record.path}: its SHA-256 could not be computed`, {
        path: record.path,
      });
    }
    return updated;
  }

  private async entry(record: ModelRecord, withFit: boolean): Promise<ModelEntry> {
    const missing = partPathsOf(record.path).some((p) => !existsSync(p));
    const settings = this.options.settings.getAll();
    const fit =
      withFit && !missing && !record.problem ? await this.cachedFit(record).catch(() => null) : null;
    return {
      id: record.id,
      fileName: record.fileName,
      path: record.path,
      sizeBytes: record.sizeBytes,
      parts: record.parts,
      sha256: record.sha256,
      verified: record.verified,
      architecture: record.architecture,
      parameters: record.parameters,
      quantization: record.quantization,
      trainedContextSize: record.trainedContextSize,
      template: record.template,
      source: record.source,
      origin: record.origin,
      missing,
      problem: record.problem,
      addedAt: record.addedAt,
      lastUsedAt: record.lastUsedAt,
      active: settings.modelPath !== "" && resolve(settings.modelPath) === record.path,
      contextNote: this.notes.get(record.path) ?? null,
      fit,
    };
  }

  private cachedFit(record: ModelRecord): Promise<FitEstimate> {
    const settings = this.options.settings.getAll();
    const per = perModelSettings(settings, record.sha256);
    const contextSize = per.contextSize ?? settings.contextSize;
    const key = `${this.fileKey(record.path)}|${contextSize}|${per.gpuLayers ?? "auto"}`;
    const cached = this.fits.get(key);
    if (cached && Date.now() - cached.at < FIT_CACHE_MS) return cached.fit;
    const fit = this.fit({ id: record.id });
    this.fits.set(key, { at: Date.now(), fit });
    fit.catch(() => this.fits.delete(key));
    return fit;
  }

  private fileKey(path: string): string {
    const info = statsOf(path);
    return `${path}|${info?.size ?? 0}|${info?.mtimeMs ?? 0}`;
  }

  private header(path: string, fresh = false): Promise<GgufFileInfo> {
    const key = this.fileKey(path);
    let header = fresh ? undefined : this.headers.get(key);
    if (!header) {
      header = readLocalHeader(path);
      this.headers.set(key, header);
      header.catch(() => this.headers.delete(key));
      while (this.headers.size > HEADER_CACHE) {
        const oldest = this.headers.keys().next().value;
        if (oldest === undefined) break;
        this.headers.delete(oldest);
      }
    }
    return header;
  }
}

/** A later part of a split model stands for the model: its first part. */
function canonicalPath(path: string): string {
  const split = splitPartInfo(path);
  return split && split.part !== 1 ? (partPathsOf(path)[0] as string) : path;
}

function statsOf(path: string): { size: number; mtimeMs: number } | null {
  try {
    const parts = partPathsOf(path).map((p) => statSync(p));
    return {
      size: parts.reduce((sum, s) => sum + s.size, 0),
      mtimeMs: Math.max(...parts.map((s) => Math.floor(s.mtimeMs))),
    };
  } catch {
    return null;
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith("/");
}

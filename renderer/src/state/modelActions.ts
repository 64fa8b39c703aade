/**
 * The model library as the renderer sees it: models, downloads (kept current by the
 * `models.download.*` events), the recommended catalog, and the calls behind the library dialog
 * and the header's model switcher.
 */
import type { EventTypes } from "../../../shared/api/contract";
import type {
  CatalogEntry,
  DownloadInfo,
  ModelEntry,
  PerModelSettings,
} from "../../../shared/domain/modelLibrary";
import { type ApiError, toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { appStore } from "./appStore";
import { createStore, useStore } from "./createStore";
import { loadModel, loadSettings } from "./libraryActions";

export interface ModelsState {
  models: ModelEntry[];
  modelsLoaded: boolean;
  downloads: DownloadInfo[];
  catalog: CatalogEntry[] | null;
  folders: string[];
  /** The model being switched to (its id) while `models.use` and `model.load` run. */
  switching: number | null;
  error: ApiError | null;
  /** The library dialog is open (it can be opened from the sidebar, the header and the settings). */
  libraryOpen: boolean;
}

export const modelStore = createStore<ModelsState>({
  models: [],
  modelsLoaded: false,
  downloads: [],
  catalog: null,
  folders: [],
  switching: null,
  error: null,
  libraryOpen: false,
});

export function useModels<T>(selector: (state: ModelsState) => T): T {
  return useStore(modelStore, selector);
}

function report(error: unknown): ApiError {
  const apiError = toApiError(error);
  modelStore.set({ error: apiError });
  return apiError;
}

export function openModelLibrary(): void {
  modelStore.set({ libraryOpen: true });
}

export function closeModelLibrary(): void {
  modelStore.set({ libraryOpen: false, error: null });
}

export function dismissModelError(): void {
  modelStore.set({ error: null });
}

export async function refreshModels(rescan = false): Promise<void> {
  try {
    const [models, folders] = await Promise.all([
      api.call("models.list", rescan ? { rescan: true } : {}),
      api.call("models.folders", {}),
    ]);
    modelStore.set({ models, folders, modelsLoaded: true });
  } catch (error) {
    modelStore.set({ modelsLoaded: true });
    report(error);
  }
}

export async function refreshDownloads(): Promise<void> {
  try {
    modelStore.set({ downloads: await api.call("models.downloads", {}) });
  } catch (error) {
    report(error);
  }
}

export async function loadCatalog(): Promise<void> {
  try {
    modelStore.set({ catalog: await api.call("models.catalog", {}) });
  } catch (error) {
    report(error);
  }
}

/** Everything the library dialog shows. */
export async function openLibrary(): Promise<void> {
  await Promise.all([refreshModels(), refreshDownloads(), loadCatalog()]);
}

/** Adds a GGUF file or a folder to scan. Rejects with the core's error. */
export async function addModelPath(path: string): Promise<ModelEntry[]> {
  const { added } = await api.call("models.add", { path });
  await refreshModels();
  return added;
}

export async function forgetFolder(path: string): Promise<void> {
  await api.call("models.removeFolder", { path });
  await refreshModels();
}

/** Starts (or resumes) a download; progress then arrives as events. Rejects on a bad URI. */
export async function startDownload(uri: string): Promise<string> {
  const { downloadId } = await api.call("models.pull", { uri });
  await refreshDownloads();
  return downloadId;
}

export async function cancelDownload(downloadId: string): Promise<void> {
  try {
    await api.call("models.cancel", { downloadId });
  } catch (error) {
    report(error);
  }
}

export async function dismissDownload(uri: string, deletePartial: boolean): Promise<void> {
  try {
    await api.call("models.dismissDownload", { uri, deletePartial });
    await refreshDownloads();
  } catch (error) {
    report(error);
  }
}

/** One click: make the model the active one and load it. Rejects with the core's error. */
export async function switchModel(model: Pick<ModelEntry, "id" | "path">): Promise<void> {
  modelStore.set({ switching: model.id });
  try {
    await api.call("models.use", { id: model.id });
    await loadModel(model.path);
    // A chat error that only said "no usable model" is obsolete now.
    const chatError = appStore.get().chatError;
    if (chatError?.code.startsWith("MODEL_")) appStore.set({ chatError: null });
  } finally {
    modelStore.set({ switching: null });
    await Promise.all([refreshModels(), loadSettings()]);
  }
}

export async function removeModel(id: number, deleteFile: boolean): Promise<void> {
  await api.call("models.remove", { id, deleteFile });
  await Promise.all([refreshModels(), loadSettings(), loadCatalog()]);
}

export function modelSettings(id: number): Promise<PerModelSettings> {
  return api.call("models.settings", { id });
}

/** Saves per-model settings (null clears one). Rejects with the core's error naming the field. */
export async function saveModelSettings(
  id: number,
  settings: { [K in keyof PerModelSettings]?: PerModelSettings[K] | null },
): Promise<PerModelSettings> {
  const saved = await api.call("models.updateSettings", { id, settings });
  await refreshModels();
  return saved;
}

function applyProgress(progress: EventTypes["models.download.progress"]): void {
  modelStore.set((s) => {
    const index = s.downloads.findIndex(
      (d) => d.downloadId === progress.downloadId || d.uri === progress.uri,
    );
    const entry: DownloadInfo = {
      ...progress,
      state: "running",
      error: null,
      updatedAt: Date.now(),
    };
    if (index < 0) return { downloads: [entry, ...s.downloads] };
    const downloads = [...s.downloads];
    downloads[index] = entry;
    return { downloads };
  });
}

/** Keeps the store current for the app's lifetime. */
export function connectModelEvents(): () => void {
  const unsubscribes = [
    api.on("models.download.progress", applyProgress),
    api.on("models.download.done", (payload) => {
      modelStore.set((s) => ({ downloads: s.downloads.filter((d) => d.uri !== payload.uri) }));
      void Promise.all([refreshModels(), loadCatalog()]);
    }),
    api.on("models.download.error", (payload) => {
      // A cancel is the user's own doing; anything else is shown.
      if (payload.error.details?.reason !== "cancelled") modelStore.set({ error: payload.error });
      void refreshDownloads();
    }),
    api.on("models.changed", () => {
      if (modelStore.get().modelsLoaded) void refreshModels();
    }),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

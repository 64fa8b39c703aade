/**
 * Importing a file: upload (browser) or path (Electron), then `import.*` events until the report.
 * Events can arrive before `import.start` has answered with the id, so they are kept until it does.
 */
import { type ApiError, toApiError } from "../../../shared/errors";
import { api, importFile } from "../bridge";
import { appStore, type ImportEvent, type ImportJob } from "./appStore";
import { loadSelectedRecord, refreshLibrary } from "./libraryActions";

function setJob(update: (job: ImportJob) => Partial<ImportJob>): void {
  appStore.set((s) => (s.importJob ? { importJob: { ...s.importJob, ...update(s.importJob) } } : {}));
}

function finish(patch: Partial<ImportJob>): void {
  setJob(() => ({ phase: "finished", ...patch }));
  void refreshLibrary();
  const selected = appStore.get().selectedCharacterId;
  const ids = patch.report?.characterIds ?? [];
  if (selected !== null && ids.includes(selected)) void loadSelectedRecord(selected);
}

function apply(event: ImportEvent): void {
  const job = appStore.get().importJob;
  if (!job || job.phase === "finished") return;
  if (job.importId === null) {
    // Events for an id this window has not been told about yet (at most a few).
    setJob((current) => ({ early: [...current.early.slice(-50), event] }));
    return;
  }
  if (event.payload.importId !== job.importId) return;
  if (event.kind === "progress") setJob(() => ({ progress: event.payload }));
  else if (event.kind === "done") finish({ report: event.payload.report });
  else finish({ error: event.payload.error });
}

/** Subscribes to the import events for the app's lifetime. */
export function connectImportEvents(): () => void {
  const unsubscribes = [
    api.on("import.progress", (payload) => apply({ kind: "progress", payload })),
    api.on("import.done", (payload) => apply({ kind: "done", payload })),
    api.on("import.error", (payload) => apply({ kind: "error", payload })),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

export function isImporting(): boolean {
  const job = appStore.get().importJob;
  return job !== null && job.phase !== "finished";
}

/** Starts importing a file; one import at a time (a second one is refused while the first runs). */
export async function startImport(file: File): Promise<void> {
  if (isImporting()) return;
  const uploadAbort = new AbortController();
  appStore.set({
    importJob: {
      fileName: file.name,
      importId: null,
      phase: "uploading",
      progress: null,
      report: null,
      error: null,
      cancelling: false,
      early: [],
      uploadAbort,
    },
  });
  let importId: string;
  try {
    ({ importId } = await importFile(file, uploadAbort.signal));
  } catch (error) {
    const apiError: ApiError = toApiError(error);
    if (apiError.code === "ABORTED") appStore.set({ importJob: null });
    else finish({ error: apiError });
    return;
  } finally {
    setJob(() => ({ uploadAbort: null }));
  }
  const cancelling = appStore.get().importJob?.cancelling ?? false;
  const missed = (appStore.get().importJob?.early ?? []).filter(
    (event) => event.payload.importId === importId,
  );
  setJob(() => ({ importId, phase: "importing", early: [] }));
  for (const event of missed) apply(event);
  if (cancelling) void cancelImport();
}

/** Asks the core to stop; the import then ends with a cancelled report (or an error), as usual. */
export async function cancelImport(): Promise<void> {
  const job = appStore.get().importJob;
  if (!job || job.phase === "finished") return;
  setJob(() => ({ cancelling: true }));
  if (job.importId === null) {
    job.uploadAbort?.abort();
    return;
  }
  try {
    await api.call("import.cancel", { importId: job.importId });
  } catch (error) {
    finish({ error: toApiError(error) });
  }
}

export function dismissImport(): void {
  if (!isImporting()) appStore.set({ importJob: null });
}

/**
 * The renderer's only way to the service core. Under Electron the preload exposes `window.api`;
 * in a browser the HTTP + SSE client implements the same interface.
 */
import type { MasqueApi, Unsubscribe } from "../../../shared/api/bridge";
import { MasqueError } from "../../../shared/errors";
import { createHttpBridge, type HttpBridge } from "./http";

function pickBridge(): {
  api: MasqueApi;
  http: HttpBridge | null;
  onConnected: (handler: () => void) => Unsubscribe;
} {
  if (window.api) return { api: window.api, http: null, onConnected: () => () => {} };
  const http = createHttpBridge();
  return { api: http, http, onConnected: http.onConnected };
}

const picked = pickBridge();

export const api: MasqueApi = picked.api;

/** Runs `handler` whenever the event stream (re)connects; never fires under Electron, whose IPC cannot drop. */
export const onBridgeConnected: (handler: () => void) => Unsubscribe = picked.onConnected;

export const isBrowserMode = window.api === undefined;

/**
 * Starts importing a file the user picked or dropped. Electron hands the core the file's path (the
 * preload's `pathForFile`); a browser streams the file to `POST /api/upload` first. Progress, the
 * report and errors then arrive as `import.*` events carrying the returned id.
 */
export async function importFile(file: File, signal?: AbortSignal): Promise<{ importId: string }> {
  if (picked.http) {
    const { uploadId } = await picked.http.upload(file, signal);
    if (signal?.aborted) throw new MasqueError("ABORTED", "The import was cancelled.");
    return api.call("import.start", { source: { uploadId }, fileName: file.name });
  }
  const path = window.api?.pathForFile?.(file) ?? "";
  if (path === "") {
    throw new MasqueError(
      "INVALID_INPUT",
      `Cannot read “${file.name}” from disk. Pick the file with Import, or drop a file saved on this computer.`,
    );
  }
  return api.call("import.start", { source: { path }, fileName: file.name });
}

/**
 * Where the core can read a file the user picked: its path under Electron, or (in a browser) an
 * upload id after streaming it to `POST /api/upload`. For imports other than `import.start`.
 */
export async function fileSource(file: File): Promise<{ path: string } | { uploadId: string }> {
  if (picked.http) return { uploadId: (await picked.http.upload(file)).uploadId };
  const path = window.api?.pathForFile?.(file) ?? "";
  if (path === "") {
    throw new MasqueError("INVALID_INPUT", `Cannot read “${file.name}” from disk. Pick the file again.`);
  }
  return { path };
}

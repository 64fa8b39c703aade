/**
 * The renderer's only way to the service core. Under Electron the preload exposes `window.api`;
 * in a browser the HTTP + SSE client implements the same interface.
 */
import type { MasqueApi, Unsubscribe } from "../../../shared/api/bridge";
import { createHttpBridge } from "./http";

function pickBridge(): { api: MasqueApi; onConnected: (handler: () => void) => Unsubscribe } {
  if (window.api) return { api: window.api, onConnected: () => () => {} };
  const http = createHttpBridge();
  return { api: http, onConnected: http.onConnected };
}

const picked = pickBridge();

export const api: MasqueApi = picked.api;

/** Runs `handler` whenever the event stream (re)connects; never fires under Electron, whose IPC cannot drop. */
export const onBridgeConnected: (handler: () => void) => Unsubscribe = picked.onConnected;

export const isBrowserMode = window.api === undefined;

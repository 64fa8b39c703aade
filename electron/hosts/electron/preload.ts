/**
 * The preload: exposes exactly one object, `window.api` (the contract's `MasqueApi`), and nothing
 * else: no ipcRenderer, no Node. It runs sandboxed, so it is bundled to one CommonJS file whose only
 * `require` is `electron`.
 *
 * Failed calls reject with a plain `{ name: "MasqueError", code, message, details? }` object, not an
 * Error: contextBridge copies only the message of an Error and drops every custom property
 * (Electron docs, context-bridge "Parameter / Error / Return Type support"), so `code` would not
 * reach the page. The renderer's bridge can rebuild a `MasqueError` with `fromApiError`.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer, webUtils } from "electron";
import type { MasqueApi, Unsubscribe } from "../../../shared/api/bridge";
import { type EventName, isEventName, isMethod } from "../../../shared/api/contract";
import { type ApiError, fromApiError } from "../../../shared/errors";
import { channelFor, EVENT_CHANNEL } from "./channels";

/** What a failed `call` rejects with: the wire error, made throwable-looking but still cloneable. */
export interface BridgeError extends ApiError {
  name: "MasqueError";
}

function bridgeError(error: ApiError): BridgeError {
  const rebuilt = fromApiError(error); // normalises unknown codes to INTERNAL
  const out: BridgeError = { name: "MasqueError", code: rebuilt.code, message: rebuilt.message };
  if (rebuilt.details !== undefined) out.details = rebuilt.details;
  return out;
}

function isEnvelope(value: unknown): value is { ok: true; value: unknown } | { ok: false; error: ApiError } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return "value" in v;
  return v.ok === false && typeof v.error === "object" && v.error !== null;
}

async function call(method: unknown, input: unknown): Promise<unknown> {
  if (!isMethod(method)) {
    throw bridgeError({ code: "INVALID_INPUT", message: `unknown method: ${String(method)}` });
  }
  let response: unknown;
  try {
    response = await ipcRenderer.invoke(channelFor(method), input);
  } catch (error) {
    throw bridgeError({ code: "INTERNAL", message: error instanceof Error ? error.message : String(error) });
  }
  if (!isEnvelope(response)) throw bridgeError({ code: "INTERNAL", message: `malformed reply to ${method}` });
  if (!response.ok) throw bridgeError(response.error);
  return response.value;
}

type Handler = (payload: unknown) => void;
const handlers = new Map<EventName, Set<Handler>>();
let listening = false;

function onEvent(_event: IpcRendererEvent, name: unknown, payload: unknown): void {
  if (!isEventName(name)) return;
  for (const handler of [...(handlers.get(name) ?? [])]) {
    try {
      handler(payload);
    } catch (error) {
      console.error(`handler for ${name} failed:`, error);
    }
  }
}

function on(event: unknown, handler: unknown): Unsubscribe {
  if (!isEventName(event)) throw new TypeError(`unknown event: ${String(event)}`);
  if (typeof handler !== "function") throw new TypeError("handler must be a function");
  const fn = (payload: unknown) => (handler as Handler)(payload);
  let set = handlers.get(event);
  if (!set) {
    set = new Set();
    handlers.set(event, set);
  }
  set.add(fn);
  if (!listening) {
    ipcRenderer.on(EVENT_CHANNEL, onEvent);
    listening = true;
  }
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    set.delete(fn);
    if (set.size === 0) handlers.delete(event);
    if (handlers.size === 0 && listening) {
      ipcRenderer.removeListener(EVENT_CHANNEL, onEvent);
      listening = false;
    }
  };
}

/** The path of a file the user picked or dropped, so the core can stream it (Electron only). */
function pathForFile(file: unknown): string {
  return webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);
}

const api = { call, on, pathForFile } as MasqueApi & { pathForFile: typeof pathForFile };

contextBridge.exposeInMainWorld("api", api);

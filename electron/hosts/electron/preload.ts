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
import { type EventTypes, isEventName, isMethod } from "../../../shared/api/contract";
import { unwrapEnvelope } from "../../../shared/api/envelope";
import { createFanOut } from "../../../shared/api/fanOut";
import { type ApiError, fromApiError, toApiError } from "../../../shared/errors";
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
  try {
    return unwrapEnvelope(response, method);
  } catch (error) {
    throw bridgeError(toApiError(error));
  }
}

const events = createFanOut<EventTypes>();
let listening = false;

function onEvent(_event: IpcRendererEvent, name: unknown, payload: unknown): void {
  if (isEventName(name)) events.emit(name, payload as never);
}

function on(event: unknown, handler: unknown): Unsubscribe {
  if (!isEventName(event)) throw new TypeError(`unknown event: ${String(event)}`);
  if (typeof handler !== "function") throw new TypeError("handler must be a function");
  const unsubscribe = events.on(event, (payload) => (handler as (payload: unknown) => void)(payload));
  if (!listening) {
    ipcRenderer.on(EVENT_CHANNEL, onEvent);
    listening = true;
  }
  return () => {
    unsubscribe();
    if (events.size === 0 && listening) {
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

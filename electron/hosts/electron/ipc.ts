/**
 * IPC for the Electron host, derived from the contract: one `ipcMain.handle` channel per method
 * (`masque:<method>`) and one push channel for every core event. Payload validation is the core's
 * job (`core.dispatch` parses with the contract's zod schema); this layer checks who is calling.
 */
import type { IpcMain, IpcMainInvokeEvent } from "electron";
import { METHODS } from "../../../shared/api/contract";
import { type Result, toApiError } from "../../../shared/errors";
import type { Core } from "../../services/coreTypes";
import { channelFor, EVENT_CHANNEL } from "./channels";

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Where events go: the main window's webContents, when there is one. */
export interface EventSink {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

const UNAUTHORIZED: Result<never> = {
  ok: false,
  error: { code: "UNAUTHORIZED", message: "IPC call refused: the sender is not the Masque window" },
};

/** Registers every handler and the event forwarder; the returned function undoes both. */
export function registerIpc(
  ipcMain: Pick<IpcMain, "handle" | "removeHandler">,
  core: Pick<Core, "dispatch" | "subscribe">,
  isTrustedSender: SenderCheck,
  getEventTarget: () => EventSink | null | undefined,
): () => void {
  for (const method of METHODS) {
    ipcMain.handle(channelFor(method), async (event, payload: unknown): Promise<Result<unknown>> => {
      let trusted = false;
      try {
        trusted = isTrustedSender(event);
      } catch {
        trusted = false;
      }
      if (!trusted) return UNAUTHORIZED;
      try {
        return await core.dispatch(method, payload);
      } catch (error) {
        // dispatch is specified never to throw; if it does, the renderer still gets an envelope.
        return { ok: false, error: toApiError(error) };
      }
    });
  }

  const unsubscribe = core.subscribe((name, payload) => {
    const target = getEventTarget();
    if (!target || target.isDestroyed()) return;
    try {
      target.send(EVENT_CHANNEL, name, payload);
    } catch (error) {
      console.error(`could not forward ${name}:`, error);
    }
  });

  return () => {
    unsubscribe();
    for (const method of METHODS) ipcMain.removeHandler(channelFor(method));
  };
}

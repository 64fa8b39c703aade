/**
 * IPC channel names, shared by main (ipc.ts) and the preload. Derived from the contract, never typed
 * by hand: one invoke channel per method and one push channel for every event.
 */
import type { Method } from "../../../shared/api/contract";

export const CHANNEL_PREFIX = "masque:";
/** Every core event travels here as `(name, payload)`. */
export const EVENT_CHANNEL = "masque:event";

export function channelFor(method: Method): string {
  return `${CHANNEL_PREFIX}${method}`;
}

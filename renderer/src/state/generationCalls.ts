/**
 * Starting a generation: the renderer names it (a fresh UUID) and creates its stream before
 * calling the core, so no event of it can arrive for an id the renderer does not know.
 */
import type { GenerationStarted } from "../../../shared/api/contract";
import { toApiError } from "../../../shared/errors";
import { type AppState, appStore } from "./appStore";
import { reduceStreams, type StreamAction, type StreamShape, streamsOfChat } from "./streams";

export function dispatchStream(action: StreamAction): void {
  appStore.set((s) => ({ streams: reduceStreams(s.streams, action) }));
}

/** Something generates in this chat, or a call to start something is on its way. */
export function isChatBusy(state: AppState, chatId: number): boolean {
  return streamsOfChat(state.streams, chatId).length > 0;
}

/**
 * Calls the core to start a generation of `shape` in `chatId`. `onAccepted` returns what else
 * changes in the store when the core accepted it, applied in the same update as the stream.
 * Resolves to the call's result, or null when nothing started (busy, or refused: the error is
 * shown in the chat).
 */
export async function startGeneration<R extends GenerationStarted>(
  chatId: number,
  shape: StreamShape,
  call: (generationId: string) => Promise<R>,
  onAccepted: (state: AppState, result: R) => Partial<AppState> = () => ({}),
): Promise<R | null> {
  if (isChatBusy(appStore.get(), chatId)) return null;
  const generationId = crypto.randomUUID();
  appStore.set((s) => ({
    chatError: null,
    streams: reduceStreams(s.streams, { type: "call-started", generationId, chatId, ...shape }),
  }));
  let result: R;
  try {
    result = await call(generationId);
  } catch (error) {
    appStore.set((s) => ({
      chatError: toApiError(error),
      streams: reduceStreams(s.streams, { type: "call-refused", generationId }),
    }));
    return null;
  }
  appStore.set((s) => ({
    ...onAccepted(s, result),
    streams: reduceStreams(s.streams, { type: "call-accepted", generationId, parentId: result.parentId }),
  }));
  return result;
}

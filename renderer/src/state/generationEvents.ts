/**
 * Feeds bridge events into the store: streamed replies, swipes, continues and impersonated drafts,
 * their end (placed into the open chat and the chat list without reading them again), and the
 * model status.
 */
import type { EventTypes } from "../../../shared/api/contract";
import type { ChatView, Message } from "../../../shared/domain/chat";
import { api, onBridgeConnected } from "../bridge";
import { type AppState, appStore } from "./appStore";
import { loadChat } from "./chatActions";
import { touchChat } from "./chatList";
import { placeInView } from "./chatPath";
import { dispatchStream } from "./generationCalls";
import { refreshModelStatus } from "./libraryActions";
import { hasEnded, reduceStreams, type StreamState } from "./streams";

/** A stream of the open chat that lost events is re-seeded from `chats.get`. */
function resyncIfNeeded(generationId: string): void {
  const s = appStore.get();
  const stream = s.streams.byId[generationId];
  if (stream?.resync !== "needed" || stream.chatId !== s.activeChatId) return;
  dispatchStream({ type: "resync-requested", generationId });
  void loadChat(stream.chatId);
}

function onStarted(event: EventTypes["generation.started"]): void {
  dispatchStream({ type: "started", ...event });
  resyncIfNeeded(event.generationId);
}

function onDelta(event: EventTypes["generation.delta"]): void {
  dispatchStream({ type: "delta", ...event });
  resyncIfNeeded(event.generationId);
}

/** Whether `message` is new to the chat (a reply or swipe) rather than a continued one. */
function isNewMessage(view: ChatView | null, stream: StreamState | undefined, message: Message): boolean {
  if (view?.chat.id === message.chatId) return !view.messages.some((m) => m.id === message.id);
  return stream?.kind !== "continue";
}

/**
 * The store once the result of a generation (a finished reply, or what a failed one kept) is
 * stored: in the open chat's path and in the chat list. `reload` when it could not be placed.
 */
function placeResult(
  s: AppState,
  generationId: string,
  message: Message,
): { patch: Partial<AppState>; reload: boolean } {
  const stream = s.streams.byId[generationId];
  const added = isNewMessage(s.chatView, stream, message) ? 1 : 0;
  const chats = touchChat(s.chats, message.chatId, added, added ? message.createdAt : 0);
  if (s.chatView?.chat.id !== message.chatId) return { patch: { chats }, reload: false };
  const chatView = placeInView(s.chatView, message, generationId);
  return chatView ? { patch: { chats, chatView }, reload: false } : { patch: { chats }, reload: true };
}

function end(event: { generationId: string; chatId: number; seq: number }): AppState["streams"] {
  return reduceStreams(appStore.get().streams, { type: "ended", ...event });
}

function onDone(event: EventTypes["generation.done"]): void {
  const s = appStore.get();
  if (hasEnded(s.streams, event.generationId)) return;
  const { patch, reload } = placeResult(s, event.generationId, event.message);
  appStore.set({ ...patch, streams: end(event) });
  if (reload && appStore.get().activeChatId === event.chatId) void loadChat(event.chatId);
}

/** The end of an impersonation: its text goes to the message box, never into the chat. */
function onDraft(event: EventTypes["generation.draft"]): void {
  if (hasEnded(appStore.get().streams, event.generationId)) return;
  appStore.set({ streams: end(event), composerDraft: { chatId: event.chatId, text: event.text } });
}

function onError(event: EventTypes["generation.error"]): void {
  const s = appStore.get();
  const { generationId, chatId, error, message } = event;
  if (hasEnded(s.streams, generationId)) return;
  const active = s.activeChatId === chatId;
  // A failed impersonation still hands over what it wrote.
  const stream = s.streams.byId[generationId];
  const partial = stream?.kind === "impersonate" && stream.text.trim() ? stream.text.trim() : null;
  const placed = message ? placeResult(s, generationId, message) : { patch: {}, reload: false };
  appStore.set({
    ...placed.patch,
    streams: end(event),
    chatError: active && error.code !== "ABORTED" ? error : s.chatError,
    ...(partial !== null ? { composerDraft: { chatId, text: partial } } : {}),
  });
  if (placed.reload && active) void loadChat(chatId);
}

/** Subscribes once for the app's lifetime; returns the unsubscribe for tests and hot reload. */
export function connectEvents(): () => void {
  const unsubscribes = [
    api.on("generation.started", onStarted),
    api.on("generation.delta", onDelta),
    api.on("generation.done", onDone),
    api.on("generation.error", onError),
    api.on("generation.draft", onDraft),
    api.on("model.status", (modelStatus) => appStore.set({ modelStatus })),
    // After a (re)connection, events may have been missed: resync what is on screen.
    onBridgeConnected(() => {
      void refreshModelStatus();
      const chatId = appStore.get().activeChatId;
      if (chatId !== null) void loadChat(chatId);
    }),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

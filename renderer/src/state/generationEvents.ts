/**
 * Feeds bridge events into the store: streamed replies, swipes, continues and impersonated drafts,
 * their end, and the model status.
 */
import type { EventTypes } from "../../../shared/api/contract";
import { api, onBridgeConnected } from "../bridge";
import { appStore } from "./appStore";
import { loadChat, refreshChats } from "./chatActions";
import { placeFinished } from "./chatPath";
import { refreshModelStatus } from "./libraryActions";
import { isFinished, markFinished, newStream, shapeOf, UNKNOWN_SHAPE, withoutKey } from "./streams";

function onStarted(event: EventTypes["generation.started"]): void {
  const { generationId, chatId } = event;
  if (isFinished(generationId)) return;
  const existing = appStore.get().streams[generationId];
  if (existing?.complete && existing.kind !== null) return;
  const shape = shapeOf(event);
  appStore.set((s) => ({
    streams: {
      ...s.streams,
      [generationId]: existing
        ? { ...existing, ...shape, complete: true }
        : newStream(generationId, chatId, shape, "", true),
    },
  }));
}

function onDelta({ generationId, chatId, text }: EventTypes["generation.delta"]): void {
  if (isFinished(generationId)) return;
  appStore.set((s) => {
    const current = s.streams[generationId];
    return {
      streams: {
        ...s.streams,
        [generationId]: current
          ? { ...current, text: current.text + text }
          : newStream(generationId, chatId, UNKNOWN_SHAPE, text, false),
      },
    };
  });
}

function onDone({ generationId, chatId, message }: EventTypes["generation.done"]): void {
  markFinished(generationId, chatId);
  appStore.set((s) => {
    let chatView = s.chatView;
    if (chatView && chatView.chat.id === chatId) {
      // Swap the streaming bubble for the final message at once; the refetch below confirms the path.
      const messages = placeFinished(chatView.messages, message);
      if (messages) chatView = { ...chatView, messages, pendingGeneration: null };
    }
    return { streams: withoutKey(s.streams, generationId), chatView };
  });
  if (appStore.get().activeChatId === chatId) {
    void loadChat(chatId);
    refreshChats();
  }
}

/** The end of an impersonation: its text goes to the message box, never into the chat. */
function onDraft({ generationId, chatId, text }: EventTypes["generation.draft"]): void {
  markFinished(generationId, chatId);
  appStore.set((s) => ({
    streams: withoutKey(s.streams, generationId),
    composerDraft: { chatId, text },
  }));
}

function onError({ generationId, chatId, error }: EventTypes["generation.error"]): void {
  markFinished(generationId, chatId);
  const active = appStore.get().activeChatId === chatId;
  // A failed impersonation still hands over what it wrote.
  const stream = appStore.get().streams[generationId];
  const partial = stream?.kind === "impersonate" && stream.text.trim() ? stream.text.trim() : null;
  appStore.set((s) => ({
    streams: withoutKey(s.streams, generationId),
    chatError: active && error.code !== "ABORTED" ? error : s.chatError,
    ...(partial !== null ? { composerDraft: { chatId, text: partial } } : {}),
  }));
  if (active) void loadChat(chatId);
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

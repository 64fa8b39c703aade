/** Feeds bridge events into the store: streamed replies, their end, and the model status. */
import type { EventTypes } from "../../../shared/api/contract";
import { api, onBridgeConnected } from "../bridge";
import { appStore } from "./appStore";
import { loadChat, refreshChats } from "./chatActions";
import { refreshModelStatus } from "./libraryActions";
import { isFinished, markFinished, nextSeq, withoutKey } from "./streams";

function onStarted({ generationId, chatId }: EventTypes["generation.started"]): void {
  if (isFinished(generationId)) return;
  const existing = appStore.get().streams[generationId];
  if (existing?.complete) return;
  appStore.set((s) => ({
    streams: {
      ...s.streams,
      [generationId]: existing
        ? { ...existing, complete: true }
        : { generationId, chatId, text: "", complete: true, seq: nextSeq() },
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
          : { generationId, chatId, text, complete: false, seq: nextSeq() },
      },
    };
  });
}

function onDone({ generationId, chatId, message }: EventTypes["generation.done"]): void {
  markFinished(generationId, chatId);
  appStore.set((s) => {
    let chatView = s.chatView;
    if (chatView && chatView.chat.id === chatId && !chatView.messages.some((m) => m.id === message.id)) {
      const lastId = chatView.messages.at(-1)?.id ?? null;
      // Swap the streaming bubble for the final message at once; the refetch below confirms the path.
      if (lastId === message.parentId) {
        chatView = { ...chatView, messages: [...chatView.messages, message], pendingGeneration: null };
      }
    }
    return { streams: withoutKey(s.streams, generationId), chatView };
  });
  if (appStore.get().activeChatId === chatId) {
    void loadChat(chatId);
    refreshChats();
  }
}

function onError({ generationId, chatId, error }: EventTypes["generation.error"]): void {
  markFinished(generationId, chatId);
  const active = appStore.get().activeChatId === chatId;
  appStore.set((s) => ({
    streams: withoutKey(s.streams, generationId),
    chatError: active && error.code !== "ABORTED" ? error : s.chatError,
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

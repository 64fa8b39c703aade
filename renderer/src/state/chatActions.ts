/** Chats of the selected character, the active chat, sending and stopping replies. */
import type { ChatSummary, ChatView, Message } from "../../../shared/domain/chat";
import { toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { appStore } from "./appStore";
import { chatEpoch, currentSeq, isFinished, newStream, reconcileStreams } from "./streams";

let loadTicket = 0;
let lastAppliedTicket = 0;

const byRecent = (a: ChatSummary, b: ChatSummary) => b.updatedAt - a.updatedAt || b.id - a.id;

/** Loads the chat list of a character; returns it (most recent first), or null on failure. */
export async function loadChats(characterId: number): Promise<ChatSummary[] | null> {
  try {
    const chats = [...(await api.call("chats.list", { characterId }))].sort(byRecent);
    if (appStore.get().selectedCharacterId === characterId) appStore.set({ chats, chatsLoaded: true });
    return chats;
  } catch (error) {
    appStore.set({ appError: toApiError(error), chatsLoaded: true });
    return null;
  }
}

/** Fetches the active chat and applies it, unless a newer fetch or a finished generation made it stale. */
export async function loadChat(chatId: number): Promise<void> {
  const epoch = chatEpoch(chatId);
  loadTicket += 1;
  const ticket = loadTicket;
  const mark = currentSeq();
  let view: ChatView;
  try {
    view = await api.call("chats.get", { chatId });
  } catch (error) {
    if (appStore.get().activeChatId === chatId) appStore.set({ chatError: toApiError(error) });
    return;
  }
  if (appStore.get().activeChatId !== chatId) return;
  // A generation of this chat ended meanwhile: the event handler has already asked for a fresher snapshot.
  if (chatEpoch(chatId) !== epoch || ticket < lastAppliedTicket) return;
  lastAppliedTicket = ticket;
  appStore.set((s) => ({ chatView: view, streams: reconcileStreams(s.streams, view, mark) }));
}

/** Shows a view the core just returned (after a swipe, delete, branch…); older fetches in flight lose. */
export function applyChatView(view: ChatView): void {
  loadTicket += 1;
  lastAppliedTicket = loadTicket;
  const mark = currentSeq();
  appStore.set((s) =>
    s.activeChatId === view.chat.id
      ? { chatView: view, streams: reconcileStreams(s.streams, view, mark) }
      : {},
  );
}

export function openChat(chatId: number): void {
  const state = appStore.get();
  if (state.mainView !== "chat") appStore.set({ mainView: "chat" });
  if (state.activeChatId === chatId && state.chatView?.chat.id === chatId) return;
  appStore.set({ activeChatId: chatId, chatView: null, chatError: null });
  void loadChat(chatId);
}

export async function createChat(characterId: number): Promise<void> {
  try {
    const view = await api.call("chats.create", { characterId });
    appStore.set((s) => ({
      mainView: "chat",
      activeChatId: view.chat.id,
      chatView: view,
      chatError: null,
      chats: s.selectedCharacterId === characterId ? [view.chat, ...s.chats] : s.chats,
    }));
  } catch (error) {
    appStore.set({ appError: toApiError(error) });
  }
}

/** Refreshes the chat list of the selected character (message counts, order) without touching the view. */
export function refreshChats(): void {
  const characterId = appStore.get().selectedCharacterId;
  if (characterId !== null) void loadChats(characterId);
}

function provisionalUserMessage(view: ChatView, id: number, text: string): Message {
  return {
    id,
    chatId: view.chat.id,
    parentId: view.messages.at(-1)?.id ?? null,
    role: "user",
    text,
    status: "complete",
    stopReason: null,
    stats: null,
    provenance: null,
    createdAt: Date.now(),
    editedAt: null,
    siblingIndex: 0,
    siblingCount: 1,
  };
}

/**
 * Sends the user's text. Resolves true once the core accepted it (the caller may then clear the box);
 * on rejection the error is shown in the chat and false is returned, so the typed text stays.
 */
export async function sendMessage(chatId: number, text: string): Promise<boolean> {
  appStore.set({ sending: true, chatError: null });
  try {
    const result = await api.call("chats.send", { chatId, text });
    appStore.set((s) => {
      let chatView = s.chatView;
      if (
        chatView &&
        chatView.chat.id === chatId &&
        !chatView.messages.some((m) => m.id === result.userMessageId)
      ) {
        chatView = {
          ...chatView,
          messages: [...chatView.messages, provisionalUserMessage(chatView, result.userMessageId, text)],
        };
      }
      const streams =
        isFinished(result.generationId) || s.streams[result.generationId]
          ? s.streams
          : {
              ...s.streams,
              [result.generationId]: newStream(
                result.generationId,
                chatId,
                { kind: "reply", parentId: result.parentId, messageId: null },
                "",
                false,
              ),
            };
      return { chatView, streams, sending: false };
    });
    void loadChat(chatId);
    return true;
  } catch (error) {
    appStore.set({ sending: false, chatError: toApiError(error) });
    return false;
  }
}

export async function abortGeneration(generationId: string): Promise<void> {
  try {
    await api.call("generation.abort", { generationId });
  } catch (error) {
    appStore.set({ chatError: toApiError(error) });
  }
}

export function dismissChatError(): void {
  appStore.set({ chatError: null });
}

/** Chats of the selected character, the active chat (read a page at a time), sending and stopping replies. */
import type { ChatSummary, ChatView } from "../../../shared/domain/chat";
import { toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { type AppState, appStore } from "./appStore";
import { byRecent, replaceSummary, touchChat } from "./chatList";
import { joinLatestPage, placeInView, prependPage } from "./chatPath";
import { startGeneration } from "./generationCalls";
import { isSnapshotStale, reduceStreams } from "./streams";

/** Messages read at a time: the end of the path when a chat opens, then earlier pages on demand. */
export const CHAT_PAGE = 100;

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

/** What the store becomes with `view` (asked for at clock `requestedAt`) shown. */
function withView(s: AppState, view: ChatView, requestedAt: number): Partial<AppState> {
  return {
    chatView: joinLatestPage(s.chatView, view),
    chats: replaceSummary(s.chats, view.chat),
    streams: reduceStreams(s.streams, { type: "snapshot", view, requestedAt }),
  };
}

/**
 * Reads the end of the active chat's path and shows it (keeping earlier pages already loaded),
 * unless a later read or action has shown something newer. A read older than a generation that
 * finished meanwhile lacks its result: it is asked for again.
 */
export async function loadChat(chatId: number): Promise<void> {
  const ticket = appStore.get().viewTicket + 1;
  const requestedAt = appStore.get().streams.clock;
  appStore.set({ viewTicket: ticket });
  let view: ChatView;
  try {
    view = await api.call("chats.get", { chatId, limit: CHAT_PAGE });
  } catch (error) {
    const s = appStore.get();
    if (s.activeChatId === chatId && s.viewTicket === ticket) appStore.set({ chatError: toApiError(error) });
    return;
  }
  const s = appStore.get();
  if (s.activeChatId !== chatId || s.viewTicket !== ticket) return;
  if (isSnapshotStale(s.streams, chatId, requestedAt)) {
    void loadChat(chatId);
    return;
  }
  appStore.set((state) => withView(state, view, requestedAt));
}

/**
 * Shows a view an action returned (after a swipe, delete, options change…); reads still in flight
 * lose. `requestedAt` is the stream clock when the action was called.
 */
export function applyChatView(view: ChatView, requestedAt: number): void {
  const s = appStore.get();
  if (s.activeChatId !== view.chat.id) {
    appStore.set({ chats: replaceSummary(s.chats, view.chat) });
    return;
  }
  if (isSnapshotStale(s.streams, view.chat.id, requestedAt)) {
    void loadChat(view.chat.id);
    return;
  }
  appStore.set((state) => ({ ...withView(state, view, requestedAt), viewTicket: state.viewTicket + 1 }));
}

/** Reads the page before the first loaded message of the active chat (the reader scrolled up). */
export async function loadEarlier(chatId: number): Promise<void> {
  const s = appStore.get();
  const view = s.chatView;
  const beforeId = view?.messages[0]?.id;
  if (!view || view.chat.id !== chatId || !view.hasEarlier || beforeId === undefined || s.loadingEarlier) {
    return;
  }
  appStore.set({ loadingEarlier: true });
  try {
    const page = await api.call("chats.messages", { chatId, beforeId, limit: CHAT_PAGE });
    appStore.set((state) => {
      const current = state.chatView;
      const next = current?.chat.id === chatId ? prependPage(current, beforeId, page) : null;
      return next ? { chatView: next, loadingEarlier: false } : { loadingEarlier: false };
    });
  } catch (error) {
    appStore.set({ loadingEarlier: false, chatError: toApiError(error) });
  }
}

export function openChat(chatId: number): void {
  const state = appStore.get();
  if (state.mainView !== "chat") appStore.set({ mainView: "chat" });
  if (state.activeChatId === chatId && state.chatView?.chat.id === chatId) return;
  appStore.set({ activeChatId: chatId, chatView: null, chatError: null, loadingEarlier: false });
  void loadChat(chatId);
}

/** Shows a chat the core just made (a new chat, a branch) as the active one, first in the list. */
export function showNewChat(view: ChatView): void {
  appStore.set((s) => ({
    mainView: "chat",
    activeChatId: view.chat.id,
    chatView: view,
    viewTicket: s.viewTicket + 1,
    loadingEarlier: false,
    chatError: null,
    chats:
      s.selectedCharacterId === view.chat.characterId
        ? [view.chat, ...s.chats.filter((c) => c.id !== view.chat.id)]
        : s.chats,
  }));
}

export async function createChat(characterId: number): Promise<void> {
  try {
    showNewChat(await api.call("chats.create", { characterId }));
  } catch (error) {
    appStore.set({ appError: toApiError(error) });
  }
}

/**
 * Sends the user's text. Resolves true once the core accepted it (the caller may then clear the box);
 * on rejection the error is shown in the chat and false is returned, so the typed text stays.
 * The stored user message comes back with the call; the reply then arrives as events.
 */
export async function sendMessage(chatId: number, text: string, asCharacterId?: number): Promise<boolean> {
  appStore.set({ sending: true });
  let placed = true;
  const result = await startGeneration(
    chatId,
    { kind: "reply", parentId: null, messageId: null },
    (generationId) =>
      api.call("chats.send", {
        chatId,
        text,
        generationId,
        ...(asCharacterId === undefined ? {} : { asCharacterId }),
      }),
    (s, { userMessage }) => {
      const view = s.chatView?.chat.id === chatId ? placeInView(s.chatView, userMessage) : null;
      placed = view !== null || s.chatView?.chat.id !== chatId;
      return {
        ...(view ? { chatView: view } : {}),
        chats: touchChat(s.chats, chatId, 1, userMessage.createdAt),
      };
    },
  );
  appStore.set({ sending: false });
  if (result && !placed) void loadChat(chatId);
  return result !== null;
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

/**
 * Role-play actions on the active chat: swipes (regenerate, navigate), continue, impersonate,
 * edit, delete, branch, and the per-chat prompt options.
 */
import type { GenerationStarted, PromptReport } from "../../../shared/api/contract";
import type { ChatOptions, Message } from "../../../shared/domain/chat";
import { toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { appStore } from "./appStore";
import { applyChatView, refreshChats } from "./chatActions";
import { regenerateTarget, replaceMessage } from "./chatPath";
import { isFinished, newStream } from "./streams";

/** A generation call is on its way: a second click must not start another one. */
let starting = false;

function reportChatError(error: unknown): void {
  appStore.set({ chatError: toApiError(error) });
}

/** Shows the stream of a generation the core just accepted (unless its events got here first). */
function track(result: GenerationStarted, messageId: number | null): void {
  const shape = { kind: result.kind, parentId: result.parentId, messageId };
  appStore.set((s) => {
    const existing = s.streams[result.generationId];
    if (isFinished(result.generationId) || existing?.kind) return {};
    return {
      streams: {
        ...s.streams,
        [result.generationId]: existing
          ? { ...existing, ...shape }
          : newStream(result.generationId, result.chatId, shape, "", false),
      },
    };
  });
}

async function startGeneration(
  call: () => Promise<GenerationStarted>,
  messageId: number | null = null,
): Promise<void> {
  if (starting) return;
  starting = true;
  appStore.set({ chatError: null });
  try {
    track(await call(), messageId);
  } catch (error) {
    reportChatError(error);
  } finally {
    starting = false;
  }
}

/** A new swipe of a character message (or the missing reply to a user message). */
export function regenerate(chatId: number, messageId: number): Promise<void> {
  return startGeneration(() => api.call("chats.regenerate", { chatId, messageId }));
}

/** Regenerates the last reply of the active chat (the shortcut and the composer button). */
export function regenerateLast(chatId: number): Promise<void> {
  const view = appStore.get().chatView;
  const target = view?.chat.id === chatId ? regenerateTarget(view.messages) : null;
  if (target === null) return Promise.resolve();
  return regenerate(chatId, target);
}

/** Extends the last character message of the chat, in the same bubble. */
export function continueReply(chatId: number, messageId: number): Promise<void> {
  return startGeneration(() => api.call("chats.continue", { chatId }), messageId);
}

/** Drafts the user's next message; the text ends in the message box, never sent by itself. */
export function impersonate(chatId: number): Promise<void> {
  return startGeneration(() => api.call("chats.impersonate", { chatId }));
}

/** The message box took the impersonation's text. */
export function clearComposerDraft(): void {
  appStore.set({ composerDraft: null });
}

/** Makes another swipe active (with its newest branch). */
export async function selectSwipe(messageId: number): Promise<void> {
  try {
    applyChatView(await api.call("chats.selectSwipe", { messageId }));
  } catch (error) {
    reportChatError(error);
  }
}

/**
 * Moves to the previous or next swipe of `message`. Past the last swipe of the chat's last
 * reply, a new swipe is generated, as in SillyTavern.
 */
export async function swipe(message: Message, direction: -1 | 1, isLast: boolean): Promise<void> {
  const index = message.siblingIndex + direction;
  if (index >= message.siblingCount) {
    if (isLast && message.role === "character" && message.parentId !== null) {
      await regenerate(message.chatId, message.id);
    }
    return;
  }
  if (index < 0) return;
  try {
    const siblings = await api.call("chats.swipes", { messageId: message.id });
    const next = siblings[index];
    if (next) await selectSwipe(next.id);
  } catch (error) {
    reportChatError(error);
  }
}

/** Saves an edited text. Resolves false (the error shown in the chat) when the core refused it. */
export async function editMessage(messageId: number, text: string): Promise<boolean> {
  try {
    const message = await api.call("chats.editMessage", { messageId, text });
    appStore.set((s) =>
      s.chatView?.chat.id === message.chatId
        ? { chatView: { ...s.chatView, messages: replaceMessage(s.chatView.messages, message) } }
        : {},
    );
    return true;
  } catch (error) {
    reportChatError(error);
    return false;
  }
}

/** Deletes a message, alone (its replies move up) or with everything below it. Rejects with the core's error. */
export async function deleteMessage(messageId: number, withDescendants: boolean): Promise<void> {
  applyChatView(await api.call("chats.deleteMessage", { messageId, withDescendants }));
  refreshChats();
}

/** Opens a new chat holding the path up to `messageId`. */
export async function branchFrom(messageId: number): Promise<void> {
  try {
    const view = await api.call("chats.branch", { messageId });
    appStore.set((s) => ({
      mainView: "chat",
      activeChatId: view.chat.id,
      chatView: view,
      chatError: null,
      chats:
        s.selectedCharacterId === view.chat.characterId
          ? [view.chat, ...s.chats.filter((c) => c.id !== view.chat.id)]
          : s.chats,
    }));
  } catch (error) {
    reportChatError(error);
  }
}

export type ChatOptionsPatch = {
  templateId?: string | null;
  examplesMode?: NonNullable<ChatOptions["examplesMode"]> | null;
};

/** Changes the chat's template or examples mode; null goes back to the app settings. */
export async function setChatOptions(chatId: number, patch: ChatOptionsPatch): Promise<void> {
  try {
    applyChatView(await api.call("chats.setOptions", { chatId, ...patch }));
  } catch (error) {
    reportChatError(error);
  }
}

/** Loads the template choices once; the pickers show "Default" until then. */
export async function loadTemplates(): Promise<void> {
  if (appStore.get().templates !== null) return;
  try {
    appStore.set({ templates: await api.call("templates.list", {}) });
  } catch (error) {
    reportChatError(error);
  }
}

/** The prompt the chat's last (or next) reply gets, block by block. Rejects with the core's error. */
export function fetchPromptReport(chatId: number): Promise<PromptReport> {
  return api.call("chats.prompt", { chatId });
}

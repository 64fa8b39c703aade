/**
 * Role-play actions on the active chat: swipes (regenerate, navigate), continue, impersonate,
 * edit, delete, branch, and the per-chat prompt options.
 */
import type { PromptReport } from "../../../shared/api/contract";
import type { ChatOptions, Message } from "../../../shared/domain/chat";
import { toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { appStore } from "./appStore";
import { applyChatView, showNewChat } from "./chatActions";
import { regenerateTarget, replaceMessage } from "./chatPath";
import { startGeneration } from "./generationCalls";

function reportChatError(error: unknown): void {
  appStore.set({ chatError: toApiError(error) });
}

/** The stream clock now: views returned by the call that follows are at least this recent. */
const now = () => appStore.get().streams.clock;

/** A new swipe of a character message (or the missing reply to a user message). */
export async function regenerate(chatId: number, messageId: number): Promise<void> {
  const view = appStore.get().chatView;
  const target = view?.chat.id === chatId ? view.messages.find((m) => m.id === messageId) : undefined;
  // A character message gets a sibling (a swipe); a user message gets its missing reply.
  const shape = !target
    ? { kind: null, parentId: null, messageId: null }
    : target.role === "user"
      ? { kind: "reply" as const, parentId: messageId, messageId: null }
      : { kind: "swipe" as const, parentId: target.parentId, messageId: null };
  await startGeneration(chatId, shape, (generationId) =>
    api.call("chats.regenerate", { chatId, messageId, generationId }),
  );
}

/** Regenerates the last reply of the active chat (the shortcut and the composer button). */
export function regenerateLast(chatId: number): Promise<void> {
  const view = appStore.get().chatView;
  const target = view?.chat.id === chatId ? regenerateTarget(view.messages) : null;
  if (target === null) return Promise.resolve();
  return regenerate(chatId, target);
}

/** Extends the last character message of the chat, in the same bubble. */
export async function continueReply(chatId: number, messageId: number): Promise<void> {
  const parentId = appStore.get().chatView?.messages.find((m) => m.id === messageId)?.parentId ?? null;
  await startGeneration(chatId, { kind: "continue", parentId, messageId }, (generationId) =>
    api.call("chats.continue", { chatId, generationId }),
  );
}

/** Drafts the user's next message; the text ends in the message box, never sent by itself. */
export async function impersonate(chatId: number): Promise<void> {
  const parentId = appStore.get().chatView?.messages.at(-1)?.id ?? null;
  await startGeneration(chatId, { kind: "impersonate", parentId, messageId: null }, (generationId) =>
    api.call("chats.impersonate", { chatId, generationId }),
  );
}

/** The message box took the impersonation's text. */
export function clearComposerDraft(): void {
  appStore.set({ composerDraft: null });
}

/** Makes another swipe active (with its newest branch). */
export async function selectSwipe(messageId: number): Promise<void> {
  try {
    const requestedAt = now();
    applyChatView(await api.call("chats.selectSwipe", { messageId }), requestedAt);
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
  const requestedAt = now();
  applyChatView(await api.call("chats.deleteMessage", { messageId, withDescendants }), requestedAt);
}

/** Opens a new chat holding the path up to `messageId`. */
export async function branchFrom(messageId: number): Promise<void> {
  try {
    showNewChat(await api.call("chats.branch", { messageId }));
  } catch (error) {
    reportChatError(error);
  }
}

export type ChatOptionsPatch = {
  templateId?: string | null;
  examplesMode?: NonNullable<ChatOptions["examplesMode"]> | null;
  /** The chat's own LoRA set ([] = none); null follows the settings. */
  lora?: NonNullable<ChatOptions["lora"]> | null;
};

/** Changes the chat's template or examples mode; null goes back to the app settings. */
export async function setChatOptions(chatId: number, patch: ChatOptionsPatch): Promise<void> {
  try {
    const requestedAt = now();
    applyChatView(await api.call("chats.setOptions", { chatId, ...patch }), requestedAt);
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

/**
 * Pure rules for showing the active path of a chat while a generation runs, for placing its
 * result without asking the core for the chat again, and for joining pages of a long path.
 */
import type { ChatView, Message } from "../../../shared/domain/chat";
import type { StreamShape } from "./streams";

export interface DisplayPlan {
  /** The messages to show, root first. */
  messages: readonly Message[];
  /** Show the streamed text as a new bubble after `messages`. */
  bubble: boolean;
  /** Show the streamed text appended to this message (a "continue"). */
  extendId: number | null;
}

/**
 * Where streamed text goes: a reply or swipe is a new bubble right under its parent (a swipe
 * replaces the swiped message and what followed it), a "continue" grows its message, an
 * impersonation goes to the message box (nothing here). Unknown parents fall back to the end.
 */
export function planDisplay(messages: readonly Message[], stream: StreamShape | undefined): DisplayPlan {
  if (!stream) return { messages, bubble: false, extendId: null };
  if (stream.kind === "impersonate") return { messages, bubble: false, extendId: null };
  if (stream.kind === "continue") {
    const target = stream.messageId ?? messages.at(-1)?.id ?? null;
    if (target !== null && messages.some((m) => m.id === target)) {
      return { messages, bubble: false, extendId: target };
    }
    return { messages, bubble: true, extendId: null };
  }
  if (stream.kind === null) return { messages, bubble: true, extendId: null };
  if (stream.parentId === null) {
    // A new greeting (a swipe of the root) replaces the whole path.
    return { messages: stream.kind === "swipe" ? [] : messages, bubble: true, extendId: null };
  }
  const end = endUnder(messages, stream.parentId);
  if (end === -1) return { messages, bubble: true, extendId: null };
  return { messages: messages.slice(0, end), bubble: true, extendId: null };
}

/**
 * Where the messages under `parentId` start on the path: right after the parent, or, when the
 * parent lies before the loaded page, at its child on the path. -1 when neither is there.
 */
function endUnder(messages: readonly Message[], parentId: number): number {
  const parent = messages.findIndex((m) => m.id === parentId);
  if (parent !== -1) return parent + 1;
  return messages.findIndex((m) => m.parentId === parentId);
}

/**
 * The active path once `message` is finished: a continued message is replaced in place, a new
 * reply or swipe ends the path under its parent. Null when the parent is not on this path.
 */
export function placeFinished(messages: readonly Message[], message: Message): Message[] | null {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index !== -1) return messages.map((m, i) => (i === index ? message : m));
  if (message.parentId === null) return [message];
  const end = endUnder(messages, message.parentId);
  if (end === -1) return null;
  return [...messages.slice(0, end), message];
}

/**
 * The view once `message` (a sent message, or the result of generation `generationId`: a reply,
 * swipe or continue) is in place; null when it cannot be placed on the loaded path (then the chat
 * must be read again).
 */
export function placeInView(view: ChatView, message: Message, generationId?: string): ChatView | null {
  const messages = placeFinished(view.messages, message);
  if (!messages) return null;
  const added = !view.messages.some((m) => m.id === message.id);
  const pendingGeneration =
    generationId !== undefined && view.pendingGeneration?.generationId === generationId
      ? null
      : view.pendingGeneration;
  return {
    ...view,
    messages,
    activeLeafId: message.id,
    hasEarlier: message.parentId === null ? false : view.hasEarlier,
    pendingGeneration,
    chat: {
      ...view.chat,
      messageCount: view.chat.messageCount + (added ? 1 : 0),
      updatedAt: Math.max(view.chat.updatedAt, message.createdAt),
    },
  };
}

/**
 * Joins a freshly read last page of the path to the messages already loaded before it, so that
 * reading the chat again (a resync, a reconnection) keeps what the reader scrolled back to.
 * When the page does not continue the loaded path (it changed), the page replaces it.
 */
export function joinLatestPage(loaded: ChatView | null, page: ChatView): ChatView {
  if (!loaded || loaded.chat.id !== page.chat.id) return page;
  const first = page.messages[0];
  if (!first || !page.hasEarlier) return page;
  const at = loaded.messages.findIndex((m) => m.id === first.id);
  if (at === -1) return page;
  return {
    ...page,
    messages: [...loaded.messages.slice(0, at), ...page.messages],
    hasEarlier: loaded.hasEarlier,
  };
}

/**
 * Puts an earlier page in front of the loaded path. Null when the path no longer starts with the
 * message the page was read before (the chat changed meanwhile).
 */
export function prependPage(
  view: ChatView,
  beforeId: number,
  page: { messages: readonly Message[]; hasEarlier: boolean },
): ChatView | null {
  if (view.messages[0]?.id !== beforeId) return null;
  const known = new Set(view.messages.map((m) => m.id));
  const earlier = page.messages.filter((m) => !known.has(m.id));
  return { ...view, messages: [...earlier, ...view.messages], hasEarlier: page.hasEarlier };
}

/** Replaces one message (an edit) and keeps everything else as it is. */
export function replaceMessage(messages: readonly Message[], message: Message): Message[] {
  return messages.map((m) => (m.id === message.id ? message : m));
}

/**
 * What "regenerate the last reply" acts on: the last character message (a new swipe), or the
 * last user message (its missing reply). Null for a chat holding only its greeting, or nothing.
 */
export function regenerateTarget(messages: readonly Message[]): number | null {
  const last = messages.at(-1);
  if (!last) return null;
  if (last.role === "user") return last.id;
  return last.parentId === null ? null : last.id;
}

/** The text the message box shows with an impersonation: after what was typed, never instead of it. */
export function joinDraft(typed: string, draft: string): string {
  if (typed.trim() === "") return draft;
  if (draft === "") return typed;
  return `${typed.trimEnd()}\n\n${draft}`;
}

/**
 * Pure rules for showing the active path of a chat while a generation runs, and for placing its
 * result before the confirming `chats.get` arrives.
 */
import type { Message } from "../../../shared/domain/chat";
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
  const parent = messages.findIndex((m) => m.id === stream.parentId);
  if (parent === -1) return { messages, bubble: true, extendId: null };
  return { messages: messages.slice(0, parent + 1), bubble: true, extendId: null };
}

/**
 * The active path once `message` is finished: a continued message is replaced in place, a new
 * reply or swipe ends the path under its parent. Null when the parent is not on this path.
 */
export function placeFinished(messages: readonly Message[], message: Message): Message[] | null {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index !== -1) return messages.map((m, i) => (i === index ? message : m));
  if (message.parentId === null) return [message];
  const parent = messages.findIndex((m) => m.id === message.parentId);
  if (parent === -1) return null;
  return [...messages.slice(0, parent + 1), message];
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

/** Pure updates of the chat list, so that a turn does not need `chats.list` again. */
import type { ChatSummary } from "../../../shared/domain/chat";

/** Most recently changed first, newest chat first among equals (the order `chats.list` returns). */
export const byRecent = (a: ChatSummary, b: ChatSummary): number => b.updatedAt - a.updatedAt || b.id - a.id;

/**
 * The list after a chat gained `added` messages at time `at` (ms): its count and date change and
 * it moves up. A chat not in the list leaves it as it is.
 */
export function touchChat(chats: ChatSummary[], chatId: number, added: number, at: number): ChatSummary[] {
  if (!chats.some((c) => c.id === chatId)) return chats;
  return chats
    .map((c) =>
      c.id === chatId
        ? { ...c, messageCount: c.messageCount + added, updatedAt: Math.max(c.updatedAt, at) }
        : c,
    )
    .sort(byRecent);
}

/** The list with one chat's summary as the core just returned it (in its place by recency). */
export function replaceSummary(chats: ChatSummary[], summary: ChatSummary): ChatSummary[] {
  const current = chats.find((c) => c.id === summary.id);
  if (!current || sameSummary(current, summary)) return chats;
  return chats.map((c) => (c.id === summary.id ? summary : c)).sort(byRecent);
}

function sameSummary(a: ChatSummary, b: ChatSummary): boolean {
  return (
    a.title === b.title &&
    a.updatedAt === b.updatedAt &&
    a.messageCount === b.messageCount &&
    a.characterName === b.characterName
  );
}

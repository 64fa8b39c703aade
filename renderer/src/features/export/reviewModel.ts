/** Pure helpers for the review step: where a span is, how to highlight it in its context, grouping. */
import type { ChatSummary } from "../../../../shared/domain/chat";
import type { ExportLocation, PersonalDataKind } from "../../../../shared/redaction/types";

export const KIND_LABEL: Record<PersonalDataKind, string> = {
  email: "E-mail",
  phone: "Phone",
  url: "URL",
  handle: "Handle",
  ip: "IP address",
  address: "Address",
  name: "Name?",
};

/** The core's context width (shared/redaction/spans.ts): the span sits in the middle of it. */
const CONTEXT_CHARS = 60;

/**
 * Splits a review context ("…about 60 characters…") around the span it was cut for. The context has
 * its whitespace collapsed and "…" where it was cut, so the span is found again by text, taking the
 * occurrence nearest to where the core centred it.
 */
export function splitContext(context: string, text: string): [string, string, string] {
  const needle = text.replace(/\s+/g, " ");
  if (needle === "") return [context, "", ""];
  const hits: number[] = [];
  for (let at = context.indexOf(needle); at !== -1; at = context.indexOf(needle, at + 1)) hits.push(at);
  if (hits.length === 0) return [context, "", ""];
  const side = Math.max(0, Math.floor((CONTEXT_CHARS - text.length) / 2));
  let expected = (context.length - needle.length) / 2;
  if (context.startsWith("…")) expected = 1 + side;
  else if (context.endsWith("…")) expected = context.length - 1 - side - needle.length;
  const best = hits.reduce((a, b) => (Math.abs(b - expected) < Math.abs(a - expected) ? b : a));
  return [
    context.slice(0, best),
    context.slice(best, best + needle.length),
    context.slice(best + needle.length),
  ];
}

export interface Lookup {
  chats: ReadonlyMap<number, ChatSummary>;
  characterNames: ReadonlyMap<number, string>;
}

export function makeLookup(chats: readonly ChatSummary[]): Lookup {
  const byId = new Map<number, ChatSummary>();
  const names = new Map<number, string>();
  for (const chat of chats) {
    byId.set(chat.id, chat);
    names.set(chat.characterId, chat.characterName);
  }
  return { chats: byId, characterNames: names };
}

/** One chat, or one character's own fields (description, definitions). */
export interface SourceGroup<T> {
  key: string;
  title: string;
  subtitle: string;
  items: T[];
}

function characterName(lookup: Lookup, id: number): string {
  return lookup.characterNames.get(id) ?? `Character ${id}`;
}

/** Groups items by chat (character fields per character first), in the order they come. */
export function groupBySource<T extends ExportLocation>(
  items: readonly T[],
  lookup: Lookup,
): SourceGroup<T>[] {
  const groups = new Map<string, SourceGroup<T>>();
  for (const item of items) {
    const key = item.chatId === null ? `char${item.characterId}` : `chat${item.chatId}`;
    let group = groups.get(key);
    if (!group) {
      const name = characterName(lookup, item.characterId);
      const chat = item.chatId === null ? undefined : lookup.chats.get(item.chatId);
      group =
        item.chatId === null
          ? { key, title: `${name}: character card`, subtitle: "description and definitions", items: [] }
          : { key, title: chat?.title || `Chat ${item.chatId}`, subtitle: name, items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}

/** "greeting", "message 3", "description"… within its group. */
export function fieldLabel(location: ExportLocation): string {
  if (location.field === "message") return `message ${location.messageIndex ?? "?"}`;
  return location.field;
}

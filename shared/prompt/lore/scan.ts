/** What a lore scan reads: the last messages of the chat, then the content of entries that fired. */
import type { KeyMatcher } from "./keys";
import type { EntryId, ScanMessage } from "./types";

export type ScanSource =
  | { kind: "message"; messageId: number; text: string }
  | { kind: "entry"; entryId: EntryId; text: string };

/** The last `depth` messages, oldest first (depth 0 scans none). */
export function scanWindow(messages: readonly ScanMessage[], depth: number): ScanSource[] {
  const count = Math.max(0, Math.floor(depth));
  return (count === 0 ? [] : messages.slice(-count)).map((m) => ({
    kind: "message",
    messageId: m.id,
    text: m.text,
  }));
}

export interface KeyMatch {
  key: string;
  source: ScanSource;
}

/**
 * The first source, in order, that any key matches, with the first key (in the entry's order)
 * that matches it. Sources come oldest message first, so an entry keeps the same trigger for as
 * long as that message stays in the window.
 */
export function findMatch(matchers: readonly KeyMatcher[], sources: readonly ScanSource[]): KeyMatch | null {
  for (const source of sources) {
    const matcher = matchers.find((m) => m.test(source.text));
    if (matcher) return { key: matcher.key, source };
  }
  return null;
}

/** The keys found in any of the sources. */
export function keysFound(matchers: readonly KeyMatcher[], sources: readonly ScanSource[]): string[] {
  return matchers.filter((m) => sources.some((s) => m.test(s.text))).map((m) => m.key);
}

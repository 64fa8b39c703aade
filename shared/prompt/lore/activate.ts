/**
 * Lore activation, a pure function: which entries of the active books fire for this turn, and why.
 *
 * Each step scans the entries that have not fired yet: constant entries fire at once; the others
 * need a primary key in the last messages of their scan window (or, from the second step on, in
 * the content of entries that fired before: recursion), then their secondary keys must pass
 * their logic, then their probability is rolled from the seed. Steps repeat while new entries
 * fire and the recursion limit allows. Disabled entries never fire.
 */
import type { LoreEntry } from "../../domain/lore";
import { applyMacros } from "../macros";
import { compileKey, type KeyMatcher } from "./keys";
import { rollLabel, rollProbability } from "./probability";
import { findMatch, keysFound, type ScanSource, scanWindow } from "./scan";
import { secondaryPasses } from "./secondary";
import {
  type ActivationResult,
  type EntryId,
  entryId,
  type FiredEntry,
  type FireReason,
  type LoreSettings,
  type ScanBook,
  type ScanMessage,
  type SkippedEntry,
} from "./types";

export interface ActivationInput {
  books: readonly ScanBook[];
  /** The chat's active path, root first. */
  messages: readonly ScanMessage[];
  settings: LoreSettings;
  /** Fixes every probability roll (one per chat: each roll also depends on the triggering message). */
  seed: number;
  /** Replace `{{char}}` / `{{user}}` in keys and in content scanned by recursion. */
  names?: { char: string; user: string };
}

interface Candidate {
  id: EntryId;
  bookKey: string;
  entry: LoreEntry;
  primary: KeyMatcher[];
  secondary: KeyMatcher[];
  window: ScanSource[];
  /** Its content may activate other entries. */
  feedsRecursion: boolean;
}

export function activateLore(input: ActivationInput): ActivationResult {
  const skipped: SkippedEntry[] = [];
  const candidates = input.books.flatMap((book) =>
    book.entries.filter((entry) => entry.enabled).map((entry) => candidate(book, entry, input, skipped)),
  );
  const fired: FiredEntry[] = [];
  const scan: ScanState = { done: new Set<EntryId>(), recursionBuffer: [], skipped };
  for (let step = 0; ; step++) {
    const firedNow = scanStep(candidates, step, scan, input);
    fired.push(...firedNow);
    const feeds = firedNow.filter((f) => candidates.find((c) => c.id === f.id)?.feedsRecursion);
    if (feeds.length === 0 || step >= input.settings.maxRecursionSteps) break;
    for (const f of feeds) {
      scan.recursionBuffer.push({ kind: "entry", entryId: f.id, text: withNames(f.entry.content, input) });
    }
  }
  return { fired, skipped };
}

interface ScanState {
  /** Entries that fired or failed their chance: they are not scanned again. */
  done: Set<EntryId>;
  recursionBuffer: ScanSource[];
  skipped: SkippedEntry[];
}

/** One scan over the entries not yet done; returns those that fire at this step. */
function scanStep(
  candidates: readonly Candidate[],
  step: number,
  scan: ScanState,
  input: ActivationInput,
): FiredEntry[] {
  const firedNow: FiredEntry[] = [];
  for (const c of candidates) {
    if (scan.done.has(c.id) || step < c.entry.delayUntilRecursion) continue;
    if (step > 0 && c.entry.excludeRecursion) continue;
    const reason = c.entry.constant ? ({ kind: "constant" } as const) : matchReason(c, scan.recursionBuffer);
    if (!reason) continue;
    scan.done.add(c.id);
    const index = reason.kind === "key" ? input.messages.findIndex((m) => m.id === reason.messageId) : -1;
    const roll = rollProbability(input.seed, rollLabel(c.id, reason, index), c.entry.probability);
    if (roll.passed) firedNow.push({ id: c.id, bookKey: c.bookKey, entry: c.entry, reason, step });
    else {
      scan.skipped.push({
        id: c.id,
        reason: `matched, but its ${c.entry.probability}% chance failed (rolled ${roll.roll.toFixed(1)})`,
      });
    }
  }
  return firedNow;
}

function candidate(
  book: ScanBook,
  entry: LoreEntry,
  input: ActivationInput,
  skipped: SkippedEntry[],
): Candidate {
  const id = entryId(book.key, entry.uid);
  const options = {
    caseSensitive: entry.caseSensitive ?? input.settings.caseSensitive,
    wholeWords: entry.wholeWords ?? input.settings.wholeWords,
  };
  const compile = (keys: readonly string[]) =>
    keys.flatMap((key) => {
      if (key.trim() === "") return [];
      const compiled = compileKey(withNames(key, input), options);
      if (compiled.ok) return [compiled.matcher];
      skipped.push({ id, reason: compiled.reason });
      return [];
    });
  return {
    id,
    bookKey: book.key,
    entry,
    primary: compile(entry.keys),
    secondary: entry.selective ? compile(entry.secondaryKeys) : [],
    window: scanWindow(input.messages, entry.scanDepth ?? book.scanDepth ?? input.settings.scanDepth),
    feedsRecursion: !entry.preventRecursion && book.recursiveScanning !== false,
  };
}

function matchReason(c: Candidate, recursionBuffer: readonly ScanSource[]): FireReason | null {
  if (c.primary.length === 0) return null;
  const sources = [...c.window, ...recursionBuffer];
  const match = findMatch(c.primary, sources);
  if (!match) return null;
  const secondary = keysFound(c.secondary, sources);
  if (!secondaryPasses(c.entry.logic, secondary.length, c.secondary.length)) return null;
  return match.source.kind === "message"
    ? { kind: "key", key: match.key, messageId: match.source.messageId, secondary }
    : { kind: "recursion", key: match.key, fromEntry: match.source.entryId, secondary };
}

function withNames(text: string, input: ActivationInput): string {
  return input.names ? applyMacros(text, input.names) : text;
}

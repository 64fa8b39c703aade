/** The shapes lore activation works on and reports with. */
import type { LoreEntry } from "../../domain/lore";

/** App-wide defaults; books and entries may override scan depth, case and whole words. */
export interface LoreSettings {
  /** Messages from the end scanned for keys. */
  scanDepth: number;
  caseSensitive: boolean;
  wholeWords: boolean;
  /** Scans of fired entries' content for more keys (0: no recursion). */
  maxRecursionSteps: number;
  /** The lore budget: this share of the context, in percent ... */
  budgetPercent: number;
  /** ... but never more than this many tokens (0: no cap). */
  budgetCap: number;
}

export const DEFAULT_LORE_SETTINGS: LoreSettings = {
  scanDepth: 2,
  caseSensitive: false,
  wholeWords: true,
  maxRecursionSteps: 3,
  budgetPercent: 25,
  budgetCap: 0,
};

/** A book as activation sees it: stored books are "lorebook:ID", a card's own book "character:ID". */
export interface ScanBook {
  key: string;
  name: string;
  scanDepth: number | null;
  tokenBudget: number | null;
  recursiveScanning: boolean | null;
  entries: readonly LoreEntry[];
}

export interface ScanMessage {
  id: number;
  text: string;
}

/** `${bookKey}#${uid}`, unique across the books of one activation. */
export type EntryId = string;

export function entryId(bookKey: string, uid: number): EntryId {
  return `${bookKey}#${uid}`;
}

export type FireReason =
  | { kind: "constant" }
  /** `key` matched in message `messageId`; `secondary` lists the secondary keys found. */
  | { kind: "key"; key: string; messageId: number; secondary: string[] }
  /** `key` matched in the content of entry `fromEntry`, which fired before. */
  | { kind: "recursion"; key: string; fromEntry: EntryId; secondary: string[] };

export interface FiredEntry {
  id: EntryId;
  bookKey: string;
  entry: LoreEntry;
  reason: FireReason;
  /** 0: the first scan; n: the n-th recursion step. */
  step: number;
}

/** An entry that matched but did not fire, or a key that could not be used, and why. */
export interface SkippedEntry {
  id: EntryId;
  reason: string;
}

export interface ActivationResult {
  /** In the order they fired. */
  fired: FiredEntry[];
  skipped: SkippedEntry[];
}

/**
 * Lorebooks (world info) in Masque's own normalized shape. A book comes from a card's embedded
 * `character_book`, from a SillyTavern world-info file, from a standalone card-book file, or from
 * the editor. Entries keep what Masque does not model in `extensions` (named as in a card book's
 * entry extensions), and remember how they were written (`source`) so that exporting a book in the
 * format it came in gives back the same JSON.
 */

/** How secondary keys combine with a primary match (SillyTavern's selectiveLogic 0..3). */
export type SecondaryLogic = "and-any" | "not-all" | "not-any" | "and-all";

export type LoreRole = "system" | "user" | "character";

/**
 * Where a fired entry goes. "before-character"/"after-character" surround the character
 * definitions; "note-top"/"note-bottom" go with the author's note; "examples-top"/"examples-bottom"
 * surround the example dialogue; "depth" goes N messages from the end of the history.
 * "unsupported" keeps a position code Masque does not know (the entry is then never inserted).
 */
export type LorePosition =
  | { at: "before-character" }
  | { at: "after-character" }
  | { at: "note-top" }
  | { at: "note-bottom" }
  | { at: "examples-top" }
  | { at: "examples-bottom" }
  | { at: "depth"; depth: number; role: LoreRole }
  | { at: "unsupported"; code: number };

export type LoreFormat = "worldinfo" | "character_book";

/** How an entry or a book was written where it came from (used only to export it back unchanged). */
export interface LoreSource {
  format: LoreFormat;
  /** The JSON object exactly as imported (for a book: without its entries). */
  raw: Record<string, unknown>;
  /** Entries: the uid Masque gave it at import; the original id is written back while they agree. */
  uid?: number;
  /** World-info entries: the key of the entry in the `entries` object. */
  key?: string;
  /** Books: the name Masque gave a book that had none (it is not written back while unchanged). */
  name?: string;
  /** A standalone V3 book file: the `{spec: "lorebook_v3", ...}` around the book. */
  wrapper?: Record<string, unknown>;
}

export interface LoreEntry {
  /** Stable within its book. */
  uid: number;
  /** The entry's title or memo (a card's `comment`/`name`, world info's `comment`). */
  name: string;
  keys: string[];
  /** Used only when `selective` is on. */
  secondaryKeys: string[];
  selective: boolean;
  logic: SecondaryLogic;
  content: string;
  enabled: boolean;
  /** Always fires. */
  constant: boolean;
  /** null: the book's or the app's default. */
  caseSensitive: boolean | null;
  wholeWords: boolean | null;
  /** Lower comes first in its position. */
  insertionOrder: number;
  /** Budget rank (higher is kept longer); null: the insertion order ranks it. */
  priority: number | null;
  position: LorePosition;
  /** Chance to fire when matched, 0..100. */
  probability: number;
  /** Messages scanned for its keys; null: the book's or the app's default. */
  scanDepth: number | null;
  /** Cannot be activated by another entry's content. */
  excludeRecursion: boolean;
  /** Its content does not activate other entries. */
  preventRecursion: boolean;
  /** Fires only from this recursion step on (0: from the first scan). */
  delayUntilRecursion: number;
  /** Fields Masque keeps but does not use (SillyTavern's groups and timed effects, other apps' data). */
  extensions: Record<string, unknown>;
  source: LoreSource | null;
}

export interface Lorebook {
  name: string;
  description: string;
  /** Defaults for its entries; null: the app's settings. */
  scanDepth: number | null;
  tokenBudget: number | null;
  recursiveScanning: boolean | null;
  entries: LoreEntry[];
  extensions: Record<string, unknown>;
  source: LoreSource | null;
}

/** Where a stored lorebook came from. */
export type LorebookOrigin = "worldinfo" | "character_book" | "card" | "manual";

export type LoreAttachmentScope = "global" | "character" | "chat";

export interface LoreAttachment {
  scope: LoreAttachmentScope;
  /** The character or chat id (null for global). */
  targetId: number | null;
}

export interface LorebookSummary {
  id: number;
  name: string;
  origin: LorebookOrigin;
  entries: number;
  attachments: LoreAttachment[];
  createdAt: number;
  updatedAt: number;
}

/** An entry as the API shows it (how it was written stays on the server, for export). */
export type LoreEntryView = Omit<LoreEntry, "source">;

export interface LorebookRecord extends Omit<Lorebook, "entries" | "source"> {
  id: number;
  origin: LorebookOrigin;
  entries: LoreEntryView[];
  attachments: LoreAttachment[];
  createdAt: number;
  updatedAt: number;
}

/** A chat's author's note: `text` inserted `depth` messages from the end, every `every` turns. */
export interface AuthorNote {
  text: string;
  depth: number;
  every: number;
}

/** What `lorebooks.import` reports. */
export interface LorebookImport {
  id: number;
  name: string;
  entries: number;
  origin: LorebookOrigin;
  warnings: string[];
}

/** A book active in a chat, and why. */
export interface ActiveLorebook {
  /** "lorebook:ID" or "character:ID" (the card's own book). */
  key: string;
  name: string;
  entries: number;
  via: LoreAttachmentScope | "card";
}

/** A chat's note: its own, or (when it has none) the default from the settings. */
export interface ChatAuthorNote {
  chatId: number;
  /** The chat's own note (null: the settings' default note applies). */
  own: AuthorNote | null;
  effective: AuthorNote;
}

export function emptyLorebook(name: string): Lorebook {
  return {
    name,
    description: "",
    scanDepth: null,
    tokenBudget: null,
    recursiveScanning: null,
    entries: [],
    extensions: {},
    source: null,
  };
}

export function newLoreEntry(uid: number): LoreEntry {
  return {
    uid,
    name: "",
    keys: [],
    secondaryKeys: [],
    selective: true,
    logic: "and-any",
    content: "",
    enabled: true,
    constant: false,
    caseSensitive: null,
    wholeWords: null,
    insertionOrder: 100,
    priority: null,
    position: { at: "before-character" },
    probability: 100,
    scanDepth: null,
    excludeRecursion: false,
    preventRecursion: false,
    delayUntilRecursion: 0,
    extensions: {},
    source: null,
  };
}

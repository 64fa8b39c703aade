/** Imports and the read-only reference sessions that come with PIPPA characters. */
export type ImportFormat = "pippa" | "card" | "sillytavern";

export interface RefusedLine {
  /** 1-based line number in the file (0 for a whole-file problem, e.g. a broken card). */
  line: number;
  reason: string;
}

export interface ImportReport {
  format: ImportFormat;
  /** The file's name as the user chose it. */
  fileName: string;
  characters: { created: number; updated: number };
  sessions: { added: number; skipped: number };
  /** The first refused lines (at most REFUSED_SHOWN); `refusedCount` has them all. */
  refused: RefusedLine[];
  refusedCount: number;
  /** Repairs made to off-spec cards, and other notes. */
  warnings: string[];
  /** Characters created or updated by this import. */
  characterIds: number[];
  cancelled: boolean;
  elapsedMs: number;
}

export const REFUSED_SHOWN = 200;

export interface ImportProgress {
  importId: string;
  bytesDone: number;
  bytesTotal: number;
  linesDone: number;
}

export interface ReferenceMessage {
  isHuman: boolean;
  text: string;
}

export interface ReferenceSessionSummary {
  id: number;
  characterId: number;
  /** When the log was submitted to the dataset (ms), not when the chat happened. */
  submittedAt: number | null;
  messageCount: number;
  /** The first human message, shortened, to tell sessions apart. */
  preview: string;
}

export interface ReferenceSession extends ReferenceSessionSummary {
  messages: ReferenceMessage[];
}

export interface TagCount {
  tag: string;
  count: number;
}

export type CharacterSort = "name" | "recent" | "imported";

export type CardExportFormat = "v2" | "v3" | "png" | "charx";

export interface ExportedFile {
  fileName: string;
  mimeType: string;
  dataBase64: string;
}

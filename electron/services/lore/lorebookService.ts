/**
 * Lorebooks: import (world info, card books, cards), the editor's operations, export in either
 * format, attachments (global, per character, per chat), a chat's author's note, and — for the
 * prompt — the books a chat scans with the app's lore settings.
 */
import { readFile, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { LoreEntryInput, ParsedRequestOf } from "../../../shared/api/contract";
import type { ExportedFile } from "../../../shared/domain/library";
import type {
  ActiveLorebook,
  AuthorNote,
  ChatAuthorNote,
  LoreAttachment,
  Lorebook,
  LorebookImport,
  LorebookRecord,
  LorebookSummary,
  LoreEntry,
  LoreEntryView,
  LoreFormat,
} from "../../../shared/domain/lore";
import { emptyLorebook, newLoreEntry } from "../../../shared/domain/lore";
import type { Settings } from "../../../shared/domain/settings";
import { MasqueError } from "../../../shared/errors";
import { compileKey } from "../../../shared/prompt/lore/keys";
import type { LoreSettings, ScanBook } from "../../../shared/prompt/lore/types";
import { DEFAULT_LORE_SETTINGS } from "../../../shared/prompt/lore/types";
import type { CharacterRepository } from "../../storage/characterRepository";
import type { ChatLoreRepository } from "../../storage/chatLoreRepository";
import type { LorebookRepository, StoredLorebook } from "../../storage/lorebookRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import { slugify } from "../cards/slug";
import { decodeCharacterBook, encodeCharacterBook } from "./characterBook";
import { LoreFormatError } from "./rawFields";
import { readLorebookFile } from "./readLorebookFile";
import { encodeWorldInfo } from "./worldInfo";

const SCOPE_RANK: Record<ActiveLorebook["via"], number> = { chat: 0, character: 1, global: 2, card: 3 };

/** Lorebook files bigger than this are refused (a card PNG with a book is a few MB at most). */
export const MAX_LOREBOOK_FILE_BYTES = 64 * 1024 * 1024;

export class LorebookService {
  constructor(
    private readonly books: LorebookRepository,
    private readonly chats: ChatLoreRepository,
    private readonly characters: CharacterRepository,
    private readonly settings: SettingsStore,
    private readonly uploadsDir: string,
  ) {}

  list(): LorebookSummary[] {
    return this.books.list();
  }

  get(id: number): LorebookRecord {
    return toRecord(this.books.get(id));
  }

  create(input: ParsedRequestOf<"lorebooks.create">): LorebookRecord {
    const book = { ...emptyLorebook(input.name), description: input.description ?? "" };
    return this.get(this.books.create(book, "manual"));
  }

  update(input: ParsedRequestOf<"lorebooks.update">): LorebookRecord {
    const { id, ...changes } = input;
    const { book } = this.books.get(id);
    const { entries: _entries, ...fields } = book;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    this.books.updateBook(id, { ...fields, ...defined });
    return this.get(id);
  }

  delete(id: number): { deleted: true } {
    this.books.delete(id);
    return { deleted: true };
  }

  async import(input: ParsedRequestOf<"lorebooks.import">): Promise<LorebookImport> {
    const upload = "uploadId" in input.source;
    const path =
      "path" in input.source ? input.source.path : join(this.uploadsDir, `${input.source.uploadId}.upload`);
    const fileName = input.fileName ?? basename(path);
    try {
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) {
        throw new MasqueError(
          "NOT_FOUND",
          upload ? `upload ${fileName} does not exist` : `no such file: ${path}`,
        );
      }
      if (info.size > MAX_LOREBOOK_FILE_BYTES) {
        throw new MasqueError(
          "IMPORT_FAILED",
          `${fileName}: ${info.size} bytes is more than a lorebook file may have (${MAX_LOREBOOK_FILE_BYTES})`,
        );
      }
      const { book, origin, warnings } = readLorebookFile(new Uint8Array(await readFile(path)), fileName);
      const id = this.books.create(book, origin);
      return { id, name: book.name, entries: book.entries.length, origin, warnings };
    } finally {
      if (upload) await rm(path, { force: true });
    }
  }

  export(id: number, format: LoreFormat): ExportedFile {
    const { book } = this.books.get(id);
    const json = format === "worldinfo" ? encodeWorldInfo(book) : encodeCharacterBook(book);
    const suffix = format === "worldinfo" ? "world-info" : "character-book";
    return {
      fileName: `${slugify(book.name)}.${suffix}.json`,
      mimeType: "application/json",
      dataBase64: Buffer.from(`${JSON.stringify(json, null, 2)}\n`, "utf8").toString("base64"),
    };
  }

  /** Adds an entry (no uid) or changes one; fields left out keep their value. */
  saveEntry(lorebookId: number, input: LoreEntryInput): LoreEntryView {
    const { book } = this.books.get(lorebookId);
    const existing = input.uid === undefined ? undefined : book.entries.find((e) => e.uid === input.uid);
    if (input.uid !== undefined && !existing) {
      throw new MasqueError(
        "NOT_FOUND",
        `lorebook ${lorebookId} has no entry ${input.uid}; leave uid out to add an entry`,
      );
    }
    checkKeys(input);
    const uid = existing?.uid ?? this.books.nextUid(lorebookId);
    const { uid: _uid, ...changes } = input;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const entry: LoreEntry = { ...(existing ?? newLoreEntry(uid)), ...defined, uid };
    this.books.putEntry(lorebookId, entry);
    return view(entry);
  }

  deleteEntry(lorebookId: number, uid: number): { deleted: true } {
    this.books.deleteEntry(lorebookId, uid);
    return { deleted: true };
  }

  attach(input: ParsedRequestOf<"lorebooks.attach">): LorebookSummary {
    this.books.attach(input.id, this.attachment(input));
    return this.summary(input.id);
  }

  detach(input: ParsedRequestOf<"lorebooks.detach">): LorebookSummary {
    const attachment = this.attachment(input);
    if (!this.books.detach(input.id, attachment)) {
      const where =
        attachment.scope === "global" ? "globally" : `to ${attachment.scope} ${attachment.targetId}`;
      throw new MasqueError("NOT_FOUND", `lorebook ${input.id} is not attached ${where}`);
    }
    return this.summary(input.id);
  }

  /** The books a chat scans: attached globally, to its character, to itself, and the card's own. */
  forChat(chatId: number): ActiveLorebook[] {
    return this.chatBooks(chatId).books.map(({ active }) => active);
  }

  /** The books a chat's prompt scans, and what could not be read (a card's broken embedded book). */
  scanBooks(chatId: number): { books: ScanBook[]; problems: string[] } {
    const { books, problems } = this.chatBooks(chatId);
    return { books: books.map(({ scan }) => scan), problems };
  }

  /** The app's lore settings, for activation and the budget. */
  loreSettings(settings: Settings = this.settings.getAll()): LoreSettings {
    return {
      ...DEFAULT_LORE_SETTINGS,
      scanDepth: settings.loreScanDepth,
      maxRecursionSteps: settings.loreRecursionSteps,
      budgetPercent: settings.loreBudgetPercent,
      budgetCap: settings.loreBudgetCap,
    };
  }

  note(chatId: number): ChatAuthorNote {
    const own = this.chats.note(chatId);
    const s = this.settings.getAll();
    const fallback: AuthorNote = { text: s.authorNote, depth: s.authorNoteDepth, every: s.authorNoteEvery };
    return { chatId, own, effective: own ?? fallback };
  }

  setNote(chatId: number, note: AuthorNote | null): ChatAuthorNote {
    this.chats.setNote(chatId, note);
    return this.note(chatId);
  }

  /** A group chat scans the books of every member (attached to it, and its card's own). */
  private chatBooks(chatId: number) {
    const characterIds = this.chats.charactersOf(chatId);
    const books: { active: ActiveLorebook; scan: ScanBook }[] = [];
    const problems: string[] = [];
    const attached = new Map<number, ActiveLorebook["via"]>();
    for (const characterId of characterIds) {
      for (const { id, scope } of this.books.attachedTo(characterId, chatId)) {
        const known = attached.get(id);
        if (known === undefined || SCOPE_RANK[scope] < SCOPE_RANK[known]) attached.set(id, scope);
      }
    }
    // Widest scope first, as a single chat lists them.
    const order = [...attached].sort((a, b) => SCOPE_RANK[b[1]] - SCOPE_RANK[a[1]] || a[0] - b[0]);
    for (const [id, scope] of order) {
      const { book } = this.books.get(id);
      const key = `lorebook:${id}`;
      books.push({
        active: { key, name: book.name, entries: book.entries.length, via: scope },
        scan: scanBook(key, book),
      });
    }
    for (const characterId of characterIds) {
      const card = this.characters.get(characterId).data;
      if (card.character_book === undefined) continue;
      const key = `character:${characterId}`;
      try {
        const book = decodeCharacterBook(card.character_book, `${card.name}'s lorebook`, "character_book");
        books.push({
          active: { key, name: book.name, entries: book.entries.length, via: "card" },
          scan: scanBook(key, book),
        });
      } catch (error) {
        if (!(error instanceof LoreFormatError)) throw error;
        problems.push(`the lorebook in ${card.name}'s card cannot be read: ${error.message}`);
      }
    }
    return { books, problems };
  }

  private attachment(input: {
    scope: LoreAttachment["scope"];
    targetId?: number | undefined;
  }): LoreAttachment {
    if (input.scope === "global") {
      if (input.targetId !== undefined) {
        throw new MasqueError("INVALID_INPUT", "targetId: a global attachment has no target");
      }
      return { scope: "global", targetId: null };
    }
    if (input.targetId === undefined) {
      throw new MasqueError("INVALID_INPUT", `targetId: attaching to a ${input.scope} needs its id`);
    }
    if (input.scope === "character") this.characters.get(input.targetId);
    else this.chats.characterOf(input.targetId);
    return { scope: input.scope, targetId: input.targetId };
  }

  private summary(id: number): LorebookSummary {
    const summary = this.books.list().find((b) => b.id === id);
    if (!summary) throw new MasqueError("NOT_FOUND", `lorebook ${id} does not exist`);
    return summary;
  }
}

function scanBook(key: string, book: Lorebook): ScanBook {
  return {
    key,
    name: book.name,
    scanDepth: book.scanDepth,
    tokenBudget: book.tokenBudget,
    recursiveScanning: book.recursiveScanning,
    entries: book.entries,
  };
}

function view({ source: _source, ...entry }: LoreEntry): LoreEntryView {
  return entry;
}

function toRecord(stored: StoredLorebook): LorebookRecord {
  const { source: _source, entries, ...book } = stored.book;
  return {
    ...book,
    id: stored.id,
    origin: stored.origin,
    entries: entries.map(view),
    attachments: stored.attachments,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

/** Keys written `/pattern/flags` must be valid regular expressions. */
function checkKeys(input: LoreEntryInput): void {
  for (const field of ["keys", "secondaryKeys"] as const) {
    (input[field] ?? []).forEach((key, i) => {
      if (key.trim() === "") return;
      const compiled = compileKey(key, { caseSensitive: false, wholeWords: false });
      if (!compiled.ok) throw new MasqueError("INVALID_INPUT", `entry.${field}[${i}]: ${compiled.reason}`);
    });
  }
}

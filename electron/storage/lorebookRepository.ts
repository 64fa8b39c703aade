/**
 * Stored lorebooks: the book without its entries as JSON, each entry as a JSON row in the book's
 * order, and where the book is attached (globally, to characters, to chats).
 */
import type {
  LoreAttachment,
  LoreAttachmentScope,
  Lorebook,
  LorebookOrigin,
  LorebookSummary,
  LoreEntry,
} from "../../shared/domain/lore";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

interface BookRow {
  id: number;
  name: string;
  origin: LorebookOrigin;
  book_json: string;
  created_at: number;
  updated_at: number;
}

export interface StoredLorebook {
  id: number;
  origin: LorebookOrigin;
  book: Lorebook;
  attachments: LoreAttachment[];
  createdAt: number;
  updatedAt: number;
}

export class LorebookRepository {
  constructor(private readonly database: Database) {}

  create(book: Lorebook, origin: LorebookOrigin, now = Date.now()): number {
    return this.database.transaction(() => {
      const { entries, ...rest } = book;
      const row = this.database.db
        .prepare(
          "INSERT INTO lorebooks (name, origin, book_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .get(book.name, origin, JSON.stringify(rest), now, now) as { id: number };
      const insert = this.database.db.prepare(
        "INSERT INTO lore_entries (lorebook_id, uid, ord, entry_json) VALUES (?, ?, ?, ?)",
      );
      entries.forEach((entry, i) => {
        insert.run(row.id, entry.uid, i, JSON.stringify(entry));
      });
      return row.id;
    });
  }

  get(id: number): StoredLorebook {
    const row = this.database.db.prepare("SELECT * FROM lorebooks WHERE id = ?").get(id) as
      | BookRow
      | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `lorebook ${id} does not exist`, { lorebookId: id });
    const entries = (
      this.database.db
        .prepare("SELECT entry_json FROM lore_entries WHERE lorebook_id = ? ORDER BY ord, uid")
        .all(id) as { entry_json: string }[]
    ).map((r) => JSON.parse(r.entry_json) as LoreEntry);
    const book = { ...(JSON.parse(row.book_json) as Omit<Lorebook, "entries">), name: row.name, entries };
    return {
      id,
      origin: row.origin,
      book,
      attachments: this.attachments(id),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  list(): LorebookSummary[] {
    const rows = this.database.db
      .prepare(
        `SELECT b.id, b.name, b.origin, b.created_at, b.updated_at,
                (SELECT count(*) FROM lore_entries e WHERE e.lorebook_id = b.id) AS entries
         FROM lorebooks b ORDER BY b.name COLLATE NOCASE, b.id`,
      )
      .all() as unknown as (Omit<BookRow, "book_json"> & { entries: number })[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      origin: r.origin,
      entries: r.entries,
      attachments: this.attachments(r.id),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  /** Replaces the book's own fields (not its entries). */
  updateBook(id: number, book: Omit<Lorebook, "entries">, now = Date.now()): void {
    this.get(id);
    this.database.db
      .prepare("UPDATE lorebooks SET name = ?, book_json = ?, updated_at = ? WHERE id = ?")
      .run(book.name, JSON.stringify(book), now, id);
  }

  delete(id: number): void {
    this.get(id);
    this.database.db.prepare("DELETE FROM lorebooks WHERE id = ?").run(id);
  }

  /** Adds the entry at the end of the book, or replaces the entry with its uid in place. */
  putEntry(id: number, entry: LoreEntry, now = Date.now()): void {
    this.database.transaction(() => {
      this.get(id);
      const ord = this.database.db
        .prepare(
          `SELECT coalesce((SELECT ord FROM lore_entries WHERE lorebook_id = ? AND uid = ?),
                           (SELECT coalesce(max(ord), -1) + 1 FROM lore_entries WHERE lorebook_id = ?)) AS ord`,
        )
        .get(id, entry.uid, id) as { ord: number };
      this.database.db
        .prepare(
          "INSERT OR REPLACE INTO lore_entries (lorebook_id, uid, ord, entry_json) VALUES (?, ?, ?, ?)",
        )
        .run(id, entry.uid, ord.ord, JSON.stringify(entry));
      this.touch(id, now);
    });
  }

  deleteEntry(id: number, uid: number, now = Date.now()): void {
    this.database.transaction(() => {
      const result = this.database.db
        .prepare("DELETE FROM lore_entries WHERE lorebook_id = ? AND uid = ?")
        .run(id, uid);
      if (result.changes === 0) {
        this.get(id);
        throw new MasqueError("NOT_FOUND", `lorebook ${id} has no entry ${uid}`, { lorebookId: id, uid });
      }
      this.touch(id, now);
    });
  }

  nextUid(id: number): number {
    const row = this.database.db
      .prepare("SELECT coalesce(max(uid), -1) + 1 AS uid FROM lore_entries WHERE lorebook_id = ?")
      .get(id) as { uid: number };
    return row.uid;
  }

  attach(id: number, attachment: LoreAttachment): void {
    this.get(id);
    const { character, chat } = targets(attachment);
    this.database.db
      .prepare(
        "INSERT OR IGNORE INTO lorebook_attachments (lorebook_id, scope, character_id, chat_id) VALUES (?, ?, ?, ?)",
      )
      .run(id, attachment.scope, character, chat);
  }

  detach(id: number, attachment: LoreAttachment): boolean {
    this.get(id);
    const { character, chat } = targets(attachment);
    const result = this.database.db
      .prepare(
        "DELETE FROM lorebook_attachments WHERE lorebook_id = ? AND scope = ? AND character_id IS ? AND chat_id IS ?",
      )
      .run(id, attachment.scope, character, chat);
    return result.changes > 0;
  }

  attachments(id: number): LoreAttachment[] {
    const rows = this.database.db
      .prepare(
        "SELECT scope, character_id, chat_id FROM lorebook_attachments WHERE lorebook_id = ? ORDER BY scope, character_id, chat_id",
      )
      .all(id) as { scope: LoreAttachmentScope; character_id: number | null; chat_id: number | null }[];
    return rows.map((r) => ({ scope: r.scope, targetId: r.character_id ?? r.chat_id }));
  }

  /** Books attached globally, to the character, or to the chat, each once, with how it is attached. */
  attachedTo(characterId: number, chatId: number): { id: number; scope: LoreAttachmentScope }[] {
    return this.database.db
      .prepare(
        `SELECT lorebook_id AS id, min(CASE scope WHEN 'chat' THEN 0 WHEN 'character' THEN 1 ELSE 2 END) AS rank,
                CASE min(CASE scope WHEN 'chat' THEN 0 WHEN 'character' THEN 1 ELSE 2 END)
                  WHEN 0 THEN 'chat' WHEN 1 THEN 'character' ELSE 'global' END AS scope
         FROM lorebook_attachments
         WHERE scope = 'global' OR character_id = ? OR chat_id = ?
         GROUP BY lorebook_id ORDER BY rank DESC, lorebook_id`,
      )
      .all(characterId, chatId) as { id: number; scope: LoreAttachmentScope }[];
  }

  private touch(id: number, now: number): void {
    this.database.db.prepare("UPDATE lorebooks SET updated_at = ? WHERE id = ?").run(now, id);
  }
}

function targets(attachment: LoreAttachment): { character: number | null; chat: number | null } {
  if (attachment.scope === "global") return { character: null, chat: null };
  if (attachment.targetId === null) {
    throw new MasqueError("INVALID_INPUT", `attaching to a ${attachment.scope} needs its id`);
  }
  return attachment.scope === "character"
    ? { character: attachment.targetId, chat: null }
    : { character: null, chat: attachment.targetId };
}

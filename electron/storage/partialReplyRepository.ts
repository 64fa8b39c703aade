import type { GenerationProvenance } from "../../shared/domain/chat";
import type { Database } from "./database";

/** The kinds of generation whose text is saved while it streams (an impersonation is never stored). */
export type PartialReplyKind = "reply" | "swipe" | "continue";

export interface PartialReply {
  generationId: string;
  chatId: number;
  kind: PartialReplyKind;
  /** The message the reply hangs under (null for a new greeting). */
  parentId: number | null;
  /** For "continue": the message being extended. */
  targetId: number | null;
  /** The text streamed so far (for "continue": only what was added). */
  text: string;
  provenance: GenerationProvenance | null;
  ownerId: string;
  /** The character who writes it (null: unknown, the chat's character). */
  characterId?: number | null;
}

interface PartialReplyRow {
  generation_id: string;
  chat_id: number;
  kind: PartialReplyKind;
  parent_id: number | null;
  target_id: number | null;
  text: string;
  provenance_json: string | null;
  owner_id: string;
  character_id: number | null;
}

/** Replies being generated, saved as they stream so that a crash cannot lose them. */
export class PartialReplyRepository {
  constructor(private readonly database: Database) {}

  insert(reply: Omit<PartialReply, "text">, now = Date.now()): void {
    this.database.db
      .prepare(
        `INSERT INTO partial_replies
           (generation_id, chat_id, kind, parent_id, target_id, text, provenance_json, owner_id, started_at, updated_at, character_id)
         VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)`,
      )
      .run(
        reply.generationId,
        reply.chatId,
        reply.kind,
        reply.parentId,
        reply.targetId,
        reply.provenance ? JSON.stringify(reply.provenance) : null,
        reply.ownerId,
        now,
        now,
        reply.characterId ?? null,
      );
  }

  updateText(generationId: string, text: string, now = Date.now()): void {
    this.database.db
      .prepare("UPDATE partial_replies SET text = ?, updated_at = ? WHERE generation_id = ?")
      .run(text, now, generationId);
  }

  delete(generationId: string): void {
    this.database.db.prepare("DELETE FROM partial_replies WHERE generation_id = ?").run(generationId);
  }

  get(generationId: string): PartialReply | null {
    const row = this.database.db
      .prepare("SELECT * FROM partial_replies WHERE generation_id = ?")
      .get(generationId) as PartialReplyRow | undefined;
    return row ? toPartialReply(row) : null;
  }

  listForChat(chatId: number): PartialReply[] {
    const rows = this.database.db
      .prepare("SELECT * FROM partial_replies WHERE chat_id = ? ORDER BY started_at, generation_id")
      .all(chatId) as unknown as PartialReplyRow[];
    return rows.map(toPartialReply);
  }

  /** The chats that have saved partial replies (live generations and orphans alike). */
  chatIds(): number[] {
    const rows = this.database.db
      .prepare("SELECT DISTINCT chat_id FROM partial_replies ORDER BY chat_id")
      .all() as { chat_id: number }[];
    return rows.map((r) => r.chat_id);
  }
}

function toPartialReply(row: PartialReplyRow): PartialReply {
  return {
    generationId: row.generation_id,
    chatId: row.chat_id,
    kind: row.kind,
    parentId: row.parent_id,
    targetId: row.target_id,
    text: row.text,
    provenance: row.provenance_json ? (JSON.parse(row.provenance_json) as GenerationProvenance) : null,
    ownerId: row.owner_id,
    characterId: row.character_id ?? null,
  };
}

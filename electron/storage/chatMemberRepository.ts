/**
 * A chat's member characters. A group chat has one row per member (order, muted, talkativeness);
 * a one-to-one chat has none, and its one member is the chat's character.
 */
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

export interface MemberRow {
  characterId: number;
  name: string;
  order: number;
  muted: boolean;
  /** The chat's own value (null: the card's). */
  talkativeness: number | null;
  /** The card's data, for its talkativeness extension. */
  dataJson: string;
}

interface Row {
  character_id: number;
  name: string;
  ord: number;
  muted: number;
  talkativeness: number | null;
  data_json: string;
}

export class ChatMemberRepository {
  constructor(private readonly database: Database) {}

  /** Whether the chat was made a group chat (it has member rows). */
  isGroup(chatId: number): boolean {
    return (
      this.database.db.prepare("SELECT 1 FROM chat_members WHERE chat_id = ? LIMIT 1").get(chatId) !==
      undefined
    );
  }

  members(chatId: number): MemberRow[] {
    const rows = this.database.db
      .prepare(
        `SELECT m.character_id, c.name, m.ord, m.muted, m.talkativeness, c.data_json
         FROM chat_members m JOIN characters c ON c.id = m.character_id
         WHERE m.chat_id = ? ORDER BY m.ord, m.character_id`,
      )
      .all(chatId) as unknown as Row[];
    if (rows.length > 0) return rows.map(toMember);
    const single = this.database.db
      .prepare(
        `SELECT ch.character_id, c.name, 0 AS ord, 0 AS muted, NULL AS talkativeness, c.data_json
         FROM chats ch JOIN characters c ON c.id = ch.character_id WHERE ch.id = ?`,
      )
      .get(chatId) as Row | undefined;
    if (!single) throw new MasqueError("NOT_FOUND", `chat ${chatId} does not exist`, { chatId });
    return [toMember(single)];
  }

  /** Makes the chat a group chat of these characters, in this order. */
  setMembers(chatId: number, characterIds: readonly number[]): void {
    this.database.transaction(() => {
      this.database.db.prepare("DELETE FROM chat_members WHERE chat_id = ?").run(chatId);
      const insert = this.database.db.prepare(
        "INSERT INTO chat_members (chat_id, character_id, ord) VALUES (?, ?, ?)",
      );
      characterIds.forEach((id, i) => {
        insert.run(chatId, id, i);
      });
    });
  }

  update(
    chatId: number,
    characterId: number,
    change: { muted?: boolean; talkativeness?: number | null },
  ): void {
    const db = this.database.db;
    if (change.muted !== undefined) {
      db.prepare("UPDATE chat_members SET muted = ? WHERE chat_id = ? AND character_id = ?").run(
        change.muted ? 1 : 0,
        chatId,
        characterId,
      );
    }
    if (change.talkativeness !== undefined) {
      db.prepare("UPDATE chat_members SET talkativeness = ? WHERE chat_id = ? AND character_id = ?").run(
        change.talkativeness,
        chatId,
        characterId,
      );
    }
  }

  add(chatId: number, characterId: number): void {
    const next = this.database.db
      .prepare("SELECT coalesce(max(ord), -1) + 1 AS n FROM chat_members WHERE chat_id = ?")
      .get(chatId) as { n: number };
    this.database.db
      .prepare("INSERT INTO chat_members (chat_id, character_id, ord) VALUES (?, ?, ?)")
      .run(chatId, characterId, next.n);
  }

  remove(chatId: number, characterId: number): void {
    this.database.db
      .prepare("DELETE FROM chat_members WHERE chat_id = ? AND character_id = ?")
      .run(chatId, characterId);
  }
}

function toMember(row: Row): MemberRow {
  return {
    characterId: row.character_id,
    name: row.name,
    order: row.ord,
    muted: row.muted === 1,
    talkativeness: row.talkativeness,
    dataJson: row.data_json,
  };
}

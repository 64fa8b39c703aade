import type {
  ChatSummary,
  GenerationProvenance,
  GenerationStats,
  Message,
  MessageRole,
  MessageStatus,
  StopReason,
} from "../../shared/domain/chat";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

interface ChatRow {
  id: number;
  character_id: number;
  character_name: string;
  title: string;
  active_leaf_id: number | null;
  created_at: number;
  updated_at: number;
  message_count: number;
}

interface MessageRow {
  id: number;
  chat_id: number;
  parent_id: number | null;
  role: MessageRole;
  text: string;
  status: MessageStatus;
  stop_reason: StopReason | null;
  stats_json: string | null;
  provenance_json: string | null;
  created_at: number;
  sibling_index: number;
  sibling_count: number;
}

export interface NewMessage {
  chatId: number;
  parentId: number | null;
  role: MessageRole;
  text: string;
  status?: MessageStatus;
  stopReason?: StopReason | null;
  stats?: GenerationStats | null;
  provenance?: GenerationProvenance | null;
}

const CHAT_SELECT = `
  SELECT ch.*, c.name AS character_name,
         (SELECT count(*) FROM messages m WHERE m.chat_id = ch.id) AS message_count
  FROM chats ch JOIN characters c ON c.id = ch.character_id`;

/** Chats and their message trees. Adding a message makes it the chat's active leaf. */
export class ChatRepository {
  constructor(private readonly database: Database) {}

  createChat(characterId: number, title: string, greeting: string, now = Date.now()): number {
    return this.database.transaction(() => {
      const chat = this.database.db
        .prepare(
          "INSERT INTO chats (character_id, title, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .get(characterId, title, now, now) as { id: number };
      if (greeting.trim()) {
        this.addMessage({ chatId: chat.id, parentId: null, role: "character", text: greeting }, now);
      }
      return chat.id;
    });
  }

  getChat(chatId: number): ChatSummary & { activeLeafId: number | null } {
    const row = this.database.db.prepare(`${CHAT_SELECT} WHERE ch.id = ?`).get(chatId) as ChatRow | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `chat ${chatId} does not exist`, { chatId });
    return { ...toSummary(row), activeLeafId: row.active_leaf_id };
  }

  listChats(characterId?: number): ChatSummary[] {
    const rows = (characterId === undefined
      ? this.database.db.prepare(`${CHAT_SELECT} ORDER BY ch.updated_at DESC, ch.id DESC`).all()
      : this.database.db
          .prepare(`${CHAT_SELECT} WHERE ch.character_id = ? ORDER BY ch.updated_at DESC, ch.id DESC`)
          .all(characterId)) as unknown as ChatRow[];
    return rows.map(toSummary);
  }

  /** The messages from the root to `leafId` (default: the chat's active leaf), root first. */
  activePath(chatId: number, leafId?: number | null): Message[] {
    const leaf = leafId === undefined ? this.getChat(chatId).activeLeafId : leafId;
    if (leaf === null) return [];
    const rows = this.database.db
      .prepare(
        `WITH RECURSIVE path(id, depth) AS (
           SELECT id, 0 FROM messages WHERE id = ? AND chat_id = ?
           UNION ALL
           SELECT m.parent_id, p.depth + 1 FROM messages m JOIN path p ON m.id = p.id WHERE m.parent_id IS NOT NULL
         )
         SELECT m.*,
           (SELECT count(*) FROM messages s WHERE s.chat_id = m.chat_id AND s.parent_id IS m.parent_id AND s.id < m.id)
             AS sibling_index,
           (SELECT count(*) FROM messages s WHERE s.chat_id = m.chat_id AND s.parent_id IS m.parent_id)
             AS sibling_count
         FROM path p JOIN messages m ON m.id = p.id
         ORDER BY p.depth DESC`,
      )
      .all(leaf, chatId) as unknown as MessageRow[];
    return rows.map(toMessage);
  }

  getMessage(messageId: number): Message {
    const rows = this.database.db
      .prepare(
        `SELECT m.*,
           (SELECT count(*) FROM messages s WHERE s.chat_id = m.chat_id AND s.parent_id IS m.parent_id AND s.id < m.id)
             AS sibling_index,
           (SELECT count(*) FROM messages s WHERE s.chat_id = m.chat_id AND s.parent_id IS m.parent_id)
             AS sibling_count
         FROM messages m WHERE m.id = ?`,
      )
      .all(messageId) as unknown as MessageRow[];
    const row = rows[0];
    if (!row) throw new MasqueError("NOT_FOUND", `message ${messageId} does not exist`, { messageId });
    return toMessage(row);
  }

  /** Appends a message under `parentId` and makes it the active leaf, in one transaction. */
  addMessage(message: NewMessage, now = Date.now()): Message {
    const id = this.database.transaction(() => {
      if (message.parentId !== null) {
        const parent = this.database.db
          .prepare("SELECT chat_id FROM messages WHERE id = ?")
          .get(message.parentId) as { chat_id: number } | undefined;
        if (!parent || parent.chat_id !== message.chatId) {
          throw new MasqueError("NOT_FOUND", `message ${message.parentId} is not in chat ${message.chatId}`);
        }
      }
      const row = this.database.db
        .prepare(
          `INSERT INTO messages (chat_id, parent_id, role, text, status, stop_reason, stats_json, provenance_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          message.chatId,
          message.parentId,
          message.role,
          message.text,
          message.status ?? "complete",
          message.stopReason ?? null,
          message.stats ? JSON.stringify(message.stats) : null,
          message.provenance ? JSON.stringify(message.provenance) : null,
          now,
        ) as { id: number };
      this.database.db
        .prepare("UPDATE chats SET active_leaf_id = ?, updated_at = ? WHERE id = ?")
        .run(row.id, now, message.chatId);
      return row.id;
    });
    return this.getMessage(id);
  }
}

function toSummary(row: ChatRow): ChatSummary {
  return {
    id: row.id,
    characterId: row.character_id,
    characterName: row.character_name,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    messageCount: row.message_count,
  };
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    chatId: row.chat_id,
    parentId: row.parent_id,
    role: row.role,
    text: row.text,
    status: row.status,
    stopReason: row.stop_reason,
    stats: row.stats_json ? (JSON.parse(row.stats_json) as GenerationStats) : null,
    provenance: row.provenance_json ? (JSON.parse(row.provenance_json) as GenerationProvenance) : null,
    createdAt: row.created_at,
    siblingIndex: row.sibling_index,
    siblingCount: row.sibling_count,
  };
}

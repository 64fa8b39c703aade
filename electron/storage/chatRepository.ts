import type {
  ChatOptions,
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
  edited_at: number | null;
  sibling_index: number;
  sibling_count: number;
  character_id: number | null;
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
  /** Kept when a message is copied (branching). */
  editedAt?: number | null;
  /** The character who wrote a character message. */
  characterId?: number | null;
}

const CHAT_SELECT = `
  SELECT ch.*, c.name AS character_name,
         (SELECT count(*) FROM messages m WHERE m.chat_id = ch.id) AS message_count
  FROM chats ch JOIN characters c ON c.id = ch.character_id`;

/** Chats and their message trees. Adding a message makes it the chat's active leaf. */
export class ChatRepository {
  constructor(private readonly database: Database) {}

  /**
   * Creates a chat whose first message is the greeting; the other greetings become its swipes
   * (root siblings), with the first one active.
   */
  createChat(
    characterId: number,
    title: string,
    greetings: string | readonly string[],
    now = Date.now(),
  ): number {
    const list = (typeof greetings === "string" ? [greetings] : greetings).filter((g) => g.trim());
    return this.database.transaction(() => {
      const chat = this.database.db
        .prepare(
          "INSERT INTO chats (character_id, title, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .get(characterId, title, now, now) as { id: number };
      const ids = list.map(
        (text) =>
          this.addMessage({ chatId: chat.id, parentId: null, role: "character", text, characterId }, now).id,
      );
      if (ids[0] !== undefined) this.setActiveLeaf(chat.id, ids[0], now);
      return chat.id;
    });
  }

  options(chatId: number): ChatOptions {
    const row = this.database.db.prepare("SELECT options_json FROM chats WHERE id = ?").get(chatId) as
      | { options_json: string }
      | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `chat ${chatId} does not exist`, { chatId });
    return JSON.parse(row.options_json) as ChatOptions;
  }

  setOptions(chatId: number, options: ChatOptions): void {
    this.database.db
      .prepare("UPDATE chats SET options_json = ? WHERE id = ?")
      .run(JSON.stringify(options), chatId);
  }

  setActiveLeaf(chatId: number, leafId: number | null, now = Date.now()): void {
    this.database.db
      .prepare("UPDATE chats SET active_leaf_id = ?, updated_at = ? WHERE id = ?")
      .run(leafId, now, chatId);
  }

  /** The messages sharing `messageId`'s parent (itself included), oldest first. */
  siblings(messageId: number): Message[] {
    const message = this.getMessage(messageId);
    const ids = this.database.db
      .prepare("SELECT id FROM messages WHERE chat_id = ? AND parent_id IS ? ORDER BY id")
      .all(message.chatId, message.parentId) as { id: number }[];
    return ids.map((r) => this.getMessage(r.id));
  }

  /** The newest leaf below `messageId` (following the newest child at each step), or the message itself. */
  latestLeafUnder(messageId: number): number {
    let current = messageId;
    for (;;) {
      const child = this.database.db
        .prepare("SELECT id FROM messages WHERE parent_id = ? ORDER BY id DESC LIMIT 1")
        .get(current) as { id: number } | undefined;
      if (!child) return current;
      current = child.id;
    }
  }

  updateText(messageId: number, text: string, now = Date.now()): Message {
    const result = this.database.db
      .prepare("UPDATE messages SET text = ?, edited_at = ? WHERE id = ?")
      .run(text, now, messageId);
    if (result.changes === 0)
      throw new MasqueError("NOT_FOUND", `message ${messageId} does not exist`, { messageId });
    return this.getMessage(messageId);
  }

  /** Replaces a reply's text and generation data (a continued reply). */
  updateReply(
    messageId: number,
    update: Pick<NewMessage, "text" | "status" | "stopReason" | "stats" | "provenance">,
  ): Message {
    this.database.db
      .prepare(
        "UPDATE messages SET text = ?, status = ?, stop_reason = ?, stats_json = ?, provenance_json = ? WHERE id = ?",
      )
      .run(
        update.text,
        update.status ?? "complete",
        update.stopReason ?? null,
        update.stats ? JSON.stringify(update.stats) : null,
        update.provenance ? JSON.stringify(update.provenance) : null,
        messageId,
      );
    return this.getMessage(messageId);
  }

  countDescendants(messageId: number): number {
    const row = this.database.db
      .prepare(
        `WITH RECURSIVE below(id) AS (
           SELECT id FROM messages WHERE parent_id = ?
           UNION ALL SELECT m.id FROM messages m JOIN below b ON m.parent_id = b.id
         ) SELECT count(*) AS n FROM below`,
      )
      .get(messageId) as { n: number };
    return row.n;
  }

  /**
   * Deletes a message. With `withDescendants` its whole subtree goes; otherwise its children move
   * up to its parent, so nothing below it is lost. The active leaf moves to a surviving message.
   */
  deleteMessage(messageId: number, withDescendants: boolean, now = Date.now()): void {
    const message = this.getMessage(messageId);
    this.database.transaction(() => {
      const chat = this.getChat(message.chatId);
      const onActivePath = this.activePath(message.chatId).some((m) => m.id === messageId);
      if (!withDescendants) {
        this.database.db
          .prepare("UPDATE messages SET parent_id = ? WHERE parent_id = ?")
          .run(message.parentId, messageId);
      }
      // ON DELETE CASCADE on parent_id removes whatever is still below it.
      this.database.db.prepare("DELETE FROM messages WHERE id = ?").run(messageId);
      const leaf = chat.activeLeafId;
      if (leaf !== null && leaf !== messageId && this.exists(leaf)) return;
      const anchor =
        onActivePath && message.parentId !== null ? message.parentId : this.firstRoot(message.chatId);
      this.setActiveLeaf(message.chatId, anchor === null ? null : this.latestLeafUnder(anchor), now);
    });
  }

  private exists(messageId: number): boolean {
    return this.database.db.prepare("SELECT 1 FROM messages WHERE id = ?").get(messageId) !== undefined;
  }

  private firstRoot(chatId: number): number | null {
    const row = this.database.db
      .prepare("SELECT id FROM messages WHERE chat_id = ? AND parent_id IS NULL ORDER BY id LIMIT 1")
      .get(chatId) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** Copies the path from the root to `leafId` into a new chat (for branching). */
  copyPath(fromChatId: number, leafId: number, characterId: number, title: string, now = Date.now()): number {
    const path = this.activePath(fromChatId, leafId);
    return this.database.transaction(() => {
      const chat = this.database.db
        .prepare(
          "INSERT INTO chats (character_id, title, options_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .get(characterId, title, JSON.stringify(this.options(fromChatId)), now, now) as { id: number };
      let parentId: number | null = null;
      for (const m of path) {
        const { role, text, status, stopReason, stats, provenance, editedAt, characterId } = m;
        parentId = this.addMessage(
          {
            chatId: chat.id,
            parentId,
            role,
            text,
            status,
            stopReason,
            stats,
            provenance,
            editedAt,
            characterId,
          },
          now,
        ).id;
      }
      this.database.db
        .prepare(
          `INSERT INTO chat_members (chat_id, character_id, ord, muted, talkativeness)
           SELECT ?, character_id, ord, muted, talkativeness FROM chat_members WHERE chat_id = ?`,
        )
        .run(chat.id, fromChatId);
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

  /**
   * The last `limit` messages of the active path, root first, and whether more come before them.
   * The path is walked up from the leaf in SQL and stops after `limit` + 1 steps, so a page of a
   * 10,000-message chat costs what a page of a short one does.
   */
  latestMessages(chatId: number, limit: number): { messages: Message[]; hasEarlier: boolean } {
    const leaf = this.getChat(chatId).activeLeafId;
    return leaf === null ? { messages: [], hasEarlier: false } : this.pathUpFrom(chatId, leaf, limit);
  }

  /** The `limit` messages of the path before `beforeId` (its ancestors), root first. */
  messagesBefore(
    chatId: number,
    beforeId: number,
    limit: number,
  ): { messages: Message[]; hasEarlier: boolean } {
    const row = this.database.db
      .prepare("SELECT parent_id FROM messages WHERE id = ? AND chat_id = ?")
      .get(beforeId, chatId) as { parent_id: number | null } | undefined;
    if (!row) {
      throw new MasqueError("NOT_FOUND", `beforeId: message ${beforeId} is not in chat ${chatId}`, {
        chatId,
        messageId: beforeId,
      });
    }
    return row.parent_id === null
      ? { messages: [], hasEarlier: false }
      : this.pathUpFrom(chatId, row.parent_id, limit);
  }

  /** `startId` and up to `limit` - 1 of its ancestors, root first; `hasEarlier` when the root was not reached. */
  private pathUpFrom(
    chatId: number,
    startId: number,
    limit: number,
  ): { messages: Message[]; hasEarlier: boolean } {
    const rows = this.database.db
      .prepare(
        `WITH RECURSIVE up(id, parent_id, depth) AS (
           SELECT id, parent_id, 0 FROM messages WHERE id = ? AND chat_id = ?
           UNION ALL
           SELECT m.id, m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.parent_id
           LIMIT ?
         )
         SELECT m.*,
           (SELECT count(*) FROM messages s WHERE s.chat_id = m.chat_id AND s.parent_id IS m.parent_id AND s.id < m.id)
             AS sibling_index,
           (SELECT count(*) FROM messages s WHERE s.chat_id = m.chat_id AND s.parent_id IS m.parent_id)
             AS sibling_count
         FROM up JOIN messages m ON m.id = up.id
         ORDER BY up.depth DESC`,
      )
      .all(startId, chatId, limit + 1) as unknown as MessageRow[];
    const hasEarlier = rows.length > limit;
    return { messages: (hasEarlier ? rows.slice(1) : rows).map(toMessage), hasEarlier };
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
          `INSERT INTO messages (chat_id, parent_id, role, text, status, stop_reason, stats_json, provenance_json, created_at, edited_at, character_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
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
          message.editedAt ?? null,
          message.role === "character" ? (message.characterId ?? null) : null,
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
    editedAt: row.edited_at,
    siblingIndex: row.sibling_index,
    siblingCount: row.sibling_count,
    characterId: row.character_id ?? null,
  };
}

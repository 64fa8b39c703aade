/** Per-chat role-play choices: the persona a chat uses and its own author's note. */
import type { AuthorNote } from "../../shared/domain/lore";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

interface ChatRoleplayRow {
  persona_id: number | null;
  note_text: string | null;
  note_depth: number | null;
  note_every: number | null;
}

export class ChatLoreRepository {
  constructor(private readonly database: Database) {}

  /** The chat's character; NOT_FOUND when the chat does not exist. */
  characterOf(chatId: number): number {
    const row = this.database.db.prepare("SELECT character_id FROM chats WHERE id = ?").get(chatId) as
      | { character_id: number }
      | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `chat ${chatId} does not exist`, { chatId });
    return row.character_id;
  }

  /** The chat's characters: a group chat's members in order, else its one character. */
  charactersOf(chatId: number): number[] {
    const main = this.characterOf(chatId);
    const rows = this.database.db
      .prepare("SELECT character_id FROM chat_members WHERE chat_id = ? ORDER BY ord, character_id")
      .all(chatId) as { character_id: number }[];
    return rows.length > 0 ? rows.map((r) => r.character_id) : [main];
  }

  personaChoice(chatId: number): number | null {
    return this.row(chatId)?.persona_id ?? null;
  }

  setPersonaChoice(chatId: number, personaId: number | null): void {
    this.characterOf(chatId);
    this.database.db
      .prepare(
        `INSERT INTO chat_roleplay (chat_id, persona_id) VALUES (?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET persona_id = excluded.persona_id`,
      )
      .run(chatId, personaId);
  }

  note(chatId: number): AuthorNote | null {
    const row = this.row(chatId);
    if (!row || row.note_text === null) return null;
    return { text: row.note_text, depth: row.note_depth ?? 0, every: row.note_every ?? 1 };
  }

  setNote(chatId: number, note: AuthorNote | null): void {
    this.characterOf(chatId);
    this.database.db
      .prepare(
        `INSERT INTO chat_roleplay (chat_id, note_text, note_depth, note_every) VALUES (?, ?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET note_text = excluded.note_text,
           note_depth = excluded.note_depth, note_every = excluded.note_every`,
      )
      .run(chatId, note?.text ?? null, note?.depth ?? null, note?.every ?? null);
  }

  private row(chatId: number): ChatRoleplayRow | undefined {
    this.characterOf(chatId);
    return this.database.db
      .prepare("SELECT persona_id, note_text, note_depth, note_every FROM chat_roleplay WHERE chat_id = ?")
      .get(chatId) as ChatRoleplayRow | undefined;
  }
}

/** Personas (who the user is in the story), and the persona names each chat was written under. */
import type { Persona, PersonaPosition } from "../../shared/domain/persona";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

interface PersonaRow {
  id: number;
  name: string;
  description: string;
  position: PersonaPosition;
  depth: number;
  has_avatar: number;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export interface PersonaImage {
  mime: string;
  data: Uint8Array;
}

export interface PersonaFields {
  name: string;
  description: string;
  position: PersonaPosition;
  depth: number;
}

const SELECT = `SELECT id, name, description, position, depth, avatar IS NOT NULL AS has_avatar, is_default,
  created_at, updated_at FROM personas`;

export class PersonaRepository {
  constructor(private readonly database: Database) {}

  create(
    fields: PersonaFields,
    avatar: PersonaImage | null,
    makeDefault: boolean,
    now = Date.now(),
  ): Persona {
    return this.database.transaction(() => {
      if (makeDefault)
        this.database.db.prepare("UPDATE personas SET is_default = 0 WHERE is_default = 1").run();
      const row = this.database.db
        .prepare(
          `INSERT INTO personas (name, description, position, depth, avatar_mime, avatar, is_default, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          fields.name,
          fields.description,
          fields.position,
          fields.depth,
          avatar?.mime ?? null,
          avatar?.data ?? null,
          makeDefault ? 1 : 0,
          now,
          now,
        ) as { id: number };
      return this.get(row.id);
    });
  }

  get(id: number): Persona {
    const row = this.database.db.prepare(`${SELECT} WHERE id = ?`).get(id) as PersonaRow | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `persona ${id} does not exist`, { personaId: id });
    return toPersona(row);
  }

  list(): Persona[] {
    const rows = this.database.db
      .prepare(`${SELECT} ORDER BY name COLLATE NOCASE, id`)
      .all() as unknown as PersonaRow[];
    return rows.map(toPersona);
  }

  update(
    id: number,
    fields: Partial<PersonaFields>,
    avatar?: PersonaImage | null,
    now = Date.now(),
  ): Persona {
    const current = this.get(id);
    const next = { ...current, ...fields };
    this.database.transaction(() => {
      this.database.db
        .prepare(
          "UPDATE personas SET name = ?, description = ?, position = ?, depth = ?, updated_at = ? WHERE id = ?",
        )
        .run(next.name, next.description, next.position, next.depth, now, id);
      if (avatar !== undefined) {
        this.database.db
          .prepare("UPDATE personas SET avatar_mime = ?, avatar = ? WHERE id = ?")
          .run(avatar?.mime ?? null, avatar?.data ?? null, id);
      }
    });
    return this.get(id);
  }

  delete(id: number): void {
    this.get(id);
    this.database.db.prepare("DELETE FROM personas WHERE id = ?").run(id);
  }

  /** Makes `id` the default persona for new chats (null: no default). */
  setDefault(id: number | null): void {
    this.database.transaction(() => {
      if (id !== null) this.get(id);
      this.database.db.prepare("UPDATE personas SET is_default = 0 WHERE is_default = 1").run();
      if (id !== null) this.database.db.prepare("UPDATE personas SET is_default = 1 WHERE id = ?").run(id);
    });
  }

  getDefault(): Persona | null {
    const row = this.database.db.prepare(`${SELECT} WHERE is_default = 1`).get() as PersonaRow | undefined;
    return row ? toPersona(row) : null;
  }

  avatar(id: number): PersonaImage | null {
    this.get(id);
    const row = this.database.db.prepare("SELECT avatar_mime, avatar FROM personas WHERE id = ?").get(id) as
      | { avatar_mime: string | null; avatar: Uint8Array | null }
      | undefined;
    return row?.avatar && row.avatar_mime ? { mime: row.avatar_mime, data: row.avatar } : null;
  }

  recordName(chatId: number, name: string): void {
    this.database.db
      .prepare("INSERT OR IGNORE INTO chat_persona_names (chat_id, name) VALUES (?, ?)")
      .run(chatId, name);
  }

  namesUsed(chatId: number): string[] {
    const rows = this.database.db
      .prepare("SELECT name FROM chat_persona_names WHERE chat_id = ? ORDER BY name")
      .all(chatId) as { name: string }[];
    return rows.map((r) => r.name);
  }
}

function toPersona(row: PersonaRow): Persona {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    position: row.position,
    depth: row.depth,
    hasAvatar: row.has_avatar === 1,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

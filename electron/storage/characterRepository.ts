import type {
  CardData,
  CardSpec,
  CharacterCard,
  CharacterRecord,
  CharacterSummary,
} from "../../shared/domain/card";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

interface CharacterRow {
  id: number;
  name: string;
  spec: string;
  spec_version: string;
  data_json: string;
  tags_json: string;
  created_at: number;
  updated_at: number;
}

interface SummaryRow {
  id: number;
  name: string;
  tags_json: string;
  description: string;
  created_at: number;
  updated_at: number;
  last_chat_at: number | null;
}

export interface CharacterQuery {
  search?: string | undefined;
  tag?: string | undefined;
}

/** Characters with their whole card kept as JSON, so fields Masque does not know survive export. */
export class CharacterRepository {
  constructor(private readonly database: Database) {}

  create(card: CharacterCard, now = Date.now()): CharacterRecord {
    const row = this.database.db
      .prepare(
        `INSERT INTO characters (name, spec, spec_version, data_json, tags_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        card.data.name,
        card.spec,
        card.spec_version,
        JSON.stringify(card.data),
        JSON.stringify(card.data.tags),
        now,
        now,
      ) as unknown as CharacterRow;
    return toRecord(row);
  }

  get(id: number): CharacterRecord {
    const row = this.database.db.prepare("SELECT * FROM characters WHERE id = ?").get(id) as
      | CharacterRow
      | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `character ${id} does not exist`, { id });
    return toRecord(row);
  }

  list(query: CharacterQuery = {}): CharacterSummary[] {
    const where: string[] = [];
    const params: string[] = [];
    if (query.search?.trim()) {
      where.push(
        "(c.name LIKE ? ESCAPE '\\' OR json_extract(c.data_json, '$.description') LIKE ? ESCAPE '\\')",
      );
      const like = `%${query.search.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      params.push(like, like);
    }
    if (query.tag?.trim()) {
      where.push("EXISTS (SELECT 1 FROM json_each(c.tags_json) t WHERE t.value = ? COLLATE NOCASE)");
      params.push(query.tag.trim());
    }
    const rows = this.database.db
      .prepare(
        `SELECT c.id, c.name, c.tags_json, c.created_at, c.updated_at,
                substr(json_extract(c.data_json, '$.description'), 1, 300) AS description,
                (SELECT max(updated_at) FROM chats WHERE character_id = c.id) AS last_chat_at
         FROM characters c
         ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY c.name COLLATE NOCASE, c.id`,
      )
      .all(...params) as unknown as SummaryRow[];
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      tags: JSON.parse(row.tags_json) as string[],
      description: row.description ?? "",
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lastChatAt: row.last_chat_at,
    }));
  }

  delete(id: number): void {
    const result = this.database.db.prepare("DELETE FROM characters WHERE id = ?").run(id);
    if (result.changes === 0) throw new MasqueError("NOT_FOUND", `character ${id} does not exist`, { id });
  }
}

function toRecord(row: CharacterRow): CharacterRecord {
  return {
    id: row.id,
    spec: row.spec as CardSpec,
    spec_version: row.spec_version,
    data: JSON.parse(row.data_json) as CardData,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

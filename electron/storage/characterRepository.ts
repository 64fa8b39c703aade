import type {
  CardData,
  CardSpec,
  CharacterCard,
  CharacterRecord,
  CharacterSource,
  CharacterSummary,
} from "../../shared/domain/card";
import type { CharacterSort, TagCount } from "../../shared/domain/library";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

interface CharacterRow {
  id: number;
  name: string;
  spec: string;
  spec_version: string;
  data_json: string;
  source: CharacterSource;
  has_avatar: number;
  created_at: number;
  updated_at: number;
}

interface SummaryRow {
  id: number;
  name: string;
  tags_json: string;
  description: string | null;
  source: CharacterSource;
  has_avatar: number;
  created_at: number;
  updated_at: number;
  last_chat_at: number | null;
}

export interface CharacterQuery {
  search?: string | undefined;
  tag?: string | undefined;
  sort?: CharacterSort | undefined;
}

export interface StoredAsset {
  kind: "avatar" | "asset";
  path: string;
  mime: string;
  data: Uint8Array;
}

export interface NewCharacterOptions {
  source?: CharacterSource;
  /** Identity in the source (e.g. "pippa:<bot_id>"), unique across the library. */
  sourceKey?: string | null;
  now?: number;
}

const HAS_AVATAR =
  "EXISTS (SELECT 1 FROM character_assets a WHERE a.character_id = c.id AND a.kind = 'avatar')";

const ORDER: Record<CharacterSort, string> = {
  name: "c.name COLLATE NOCASE, c.id",
  recent: "coalesce(last_chat_at, 0) DESC, c.updated_at DESC, c.id DESC",
  imported: "c.created_at DESC, c.id DESC",
};

/** Characters with their whole card kept as JSON, so fields Masque does not know survive export. */
export class CharacterRepository {
  private replaceStatement: ReturnType<Database["db"]["prepare"]> | null = null;

  constructor(private readonly database: Database) {}

  create(card: CharacterCard, options: NewCharacterOptions = {}): CharacterRecord {
    const now = options.now ?? Date.now();
    const row = this.database.db
      .prepare(
        `INSERT INTO characters (name, spec, spec_version, data_json, tags_json, source, source_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        card.data.name,
        card.spec,
        card.spec_version,
        JSON.stringify(card.data),
        JSON.stringify(card.data.tags),
        options.source ?? "manual",
        options.sourceKey ?? null,
        now,
        now,
      ) as { id: number };
    return this.get(row.id);
  }

  /** Replaces the card (spec and data) of an existing character. */
  replaceCard(id: number, card: CharacterCard, now = Date.now()): void {
    this.replaceStatement ??= this.database.db.prepare(
      "UPDATE characters SET name = ?, spec = ?, spec_version = ?, data_json = ?, tags_json = ?, updated_at = ? WHERE id = ?",
    );
    const result = this.replaceStatement.run(
      card.data.name,
      card.spec,
      card.spec_version,
      JSON.stringify(card.data),
      JSON.stringify(card.data.tags),
      now,
      id,
    );
    if (result.changes === 0) throw notFound(id);
  }

  get(id: number): CharacterRecord {
    const row = this.database.db
      .prepare(`SELECT c.*, ${HAS_AVATAR} AS has_avatar FROM characters c WHERE c.id = ?`)
      .get(id) as CharacterRow | undefined;
    if (!row) throw notFound(id);
    return toRecord(row);
  }

  findIdBySourceKey(sourceKey: string): number | null {
    const row = this.database.db.prepare("SELECT id FROM characters WHERE source_key = ?").get(sourceKey) as
      | { id: number }
      | undefined;
    return row?.id ?? null;
  }

  list(query: CharacterQuery = {}): CharacterSummary[] {
    const where: string[] = [];
    const params: string[] = [];
    const match = ftsQuery(query.search);
    if (match) {
      where.push("c.id IN (SELECT rowid FROM characters_fts WHERE characters_fts MATCH ?)");
      params.push(match);
    }
    if (query.tag?.trim()) {
      where.push("EXISTS (SELECT 1 FROM json_each(c.tags_json) t WHERE t.value = ? COLLATE NOCASE)");
      params.push(query.tag.trim());
    }
    const rows = this.database.db
      .prepare(
        `SELECT c.id, c.name, c.tags_json, c.source, c.created_at, c.updated_at,
                substr(json_extract(c.data_json, '$.description'), 1, 300) AS description,
                ${HAS_AVATAR} AS has_avatar,
                (SELECT max(updated_at) FROM chats WHERE character_id = c.id) AS last_chat_at
         FROM characters c
         ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY ${ORDER[query.sort ?? "name"]}`,
      )
      .all(...params) as unknown as SummaryRow[];
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      tags: JSON.parse(row.tags_json) as string[],
      description: row.description ?? "",
      source: row.source,
      hasAvatar: row.has_avatar === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lastChatAt: row.last_chat_at,
    }));
  }

  /** Every tag with how many characters carry it (case-insensitive), most used first. */
  tags(): TagCount[] {
    return this.database.db
      .prepare(
        `SELECT min(t.value) AS tag, count(DISTINCT c.id) AS count
         FROM characters c, json_each(c.tags_json) t
         GROUP BY lower(t.value) ORDER BY count DESC, tag COLLATE NOCASE`,
      )
      .all() as unknown as TagCount[];
  }

  delete(id: number): void {
    const result = this.database.db.prepare("DELETE FROM characters WHERE id = ?").run(id);
    if (result.changes === 0) throw notFound(id);
  }

  setAssets(id: number, assets: readonly StoredAsset[]): void {
    this.database.transaction(() => {
      this.database.db.prepare("DELETE FROM character_assets WHERE character_id = ?").run(id);
      const insert = this.database.db.prepare(
        "INSERT INTO character_assets (character_id, kind, path, mime, data) VALUES (?, ?, ?, ?, ?)",
      );
      for (const asset of assets) insert.run(id, asset.kind, asset.path, asset.mime, asset.data);
    });
  }

  assets(id: number): StoredAsset[] {
    return (
      this.database.db
        .prepare("SELECT kind, path, mime, data FROM character_assets WHERE character_id = ? ORDER BY id")
        .all(id) as unknown as StoredAsset[]
    ).map((a) => ({ ...a, data: new Uint8Array(a.data) }));
  }

  avatar(id: number): StoredAsset | null {
    this.get(id);
    return this.assets(id).find((a) => a.kind === "avatar") ?? null;
  }
}

function notFound(id: number): MasqueError {
  return new MasqueError("NOT_FOUND", `character ${id} does not exist`, { id });
}

/** Each word of the user's search as a quoted FTS5 prefix term, so no input is FTS syntax. */
export function ftsQuery(search: string | undefined): string | null {
  const words = (search ?? "").match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(" ");
}

function toRecord(row: CharacterRow): CharacterRecord {
  return {
    id: row.id,
    spec: row.spec as CardSpec,
    spec_version: row.spec_version,
    data: JSON.parse(row.data_json) as CardData,
    source: row.source,
    hasAvatar: row.has_avatar === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Numbered schema migrations. The database's `user_version` is the number of the last one applied;
 * each runs in its own transaction. Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "characters, chats, messages as a tree",
    sql: `
      CREATE TABLE characters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        spec_version TEXT NOT NULL,
        data_json TEXT NOT NULL,
        tags_json TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX characters_name ON characters(name COLLATE NOCASE);

      CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        active_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX chats_character ON chats(character_id, updated_at);

      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'character')),
        text TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'stopped')),
        stop_reason TEXT,
        stats_json TEXT,
        provenance_json TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX messages_chat ON messages(chat_id);
      CREATE INDEX messages_parent ON messages(parent_id);
    `,
  },
  {
    version: 2,
    description: "character sources, assets, full-text search, PIPPA reference sessions",
    sql: `
      ALTER TABLE characters ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'
        CHECK (source IN ('manual', 'card', 'pippa'));
      -- The identity of an imported character in its source (e.g. "pippa:<bot_id>"): re-imports update it.
      ALTER TABLE characters ADD COLUMN source_key TEXT;
      CREATE UNIQUE INDEX characters_source_key ON characters(source_key) WHERE source_key IS NOT NULL;
      CREATE INDEX characters_created ON characters(created_at);

      CREATE TABLE character_assets (
        id INTEGER PRIMARY KEY,
        character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('avatar', 'asset')),
        path TEXT NOT NULL,
        mime TEXT NOT NULL,
        data BLOB NOT NULL,
        UNIQUE (character_id, path)
      );

      CREATE VIRTUAL TABLE characters_fts USING fts5(name, description, tags, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TRIGGER characters_fts_insert AFTER INSERT ON characters BEGIN
        INSERT INTO characters_fts (rowid, name, description, tags)
        VALUES (new.id, new.name, json_extract(new.data_json, '$.description'), new.tags_json);
      END;
      CREATE TRIGGER characters_fts_delete AFTER DELETE ON characters BEGIN
        DELETE FROM characters_fts WHERE rowid = old.id;
      END;
      CREATE TRIGGER characters_fts_update AFTER UPDATE OF name, data_json, tags_json ON characters
      WHEN old.name IS NOT new.name OR old.tags_json IS NOT new.tags_json
        OR json_extract(old.data_json, '$.description') IS NOT json_extract(new.data_json, '$.description')
      BEGIN
        DELETE FROM characters_fts WHERE rowid = old.id;
        INSERT INTO characters_fts (rowid, name, description, tags)
        VALUES (new.id, new.name, json_extract(new.data_json, '$.description'), new.tags_json);
      END;
      INSERT INTO characters_fts (rowid, name, description, tags)
        SELECT id, name, json_extract(data_json, '$.description'), tags_json FROM characters;

      -- Read-only conversations imported with a character (PIPPA sessions). Messages are kept as one
      -- JSON array per session: they are always read whole and never edited.
      CREATE TABLE reference_sessions (
        id INTEGER PRIMARY KEY,
        character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL UNIQUE,
        submitted_at INTEGER,
        message_count INTEGER NOT NULL,
        preview TEXT NOT NULL,
        messages_json TEXT NOT NULL,
        imported_at INTEGER NOT NULL
      );
      CREATE INDEX reference_sessions_character ON reference_sessions(character_id, submitted_at);
    `,
  },
  {
    version: 3,
    description: "per-chat prompt options, edit times",
    sql: `
      ALTER TABLE chats ADD COLUMN options_json TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
    `,
  },
  {
    version: 4,
    description: "chat leases (one generating process per chat), partial replies that survive a crash",
    sql: `
      -- Who may generate on or edit a chat right now, across processes sharing this database. A
      -- lease whose expiry passed, or whose pid is dead on the same host, is stale and may be taken over.
      CREATE TABLE chat_leases (
        chat_id INTEGER PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
        owner_id TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );

      -- The text of a reply being generated, saved while it streams; deleted in the transaction that
      -- stores the final message. A row left behind by a dead process becomes an "interrupted" reply.
      CREATE TABLE partial_replies (
        generation_id TEXT PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('reply', 'swipe', 'continue')),
        parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
        target_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
        text TEXT NOT NULL DEFAULT '',
        provenance_json TEXT,
        owner_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX partial_replies_chat ON partial_replies(chat_id);
    `,
  },
];

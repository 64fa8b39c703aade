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
    description: "model library: models, scanned folders, downloads",
    sql: `
      -- A GGUF model Masque knows (a split model is one row, its first part's path).
      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        file_name TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        parts INTEGER NOT NULL DEFAULT 1,
        mtime_ms INTEGER NOT NULL,
        sha256 TEXT,
        -- 1 when sha256 matched the hash the hub publishes for the file.
        verified INTEGER NOT NULL DEFAULT 0,
        architecture TEXT,
        parameters INTEGER,
        quantization TEXT,
        trained_context INTEGER,
        template TEXT,
        -- Why the GGUF header could not be read; such a model is listed but never loaded.
        problem TEXT,
        origin TEXT NOT NULL CHECK (origin IN ('download', 'folder', 'file')),
        source TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX models_sha256 ON models(sha256);

      CREATE TABLE model_folders (
        path TEXT PRIMARY KEY,
        added_at INTEGER NOT NULL
      );

      -- Downloads started and not finished: running, or stopped with their partial file kept.
      CREATE TABLE model_downloads (
        uri TEXT PRIMARY KEY,
        file_name TEXT,
        total_bytes INTEGER NOT NULL DEFAULT 0,
        downloaded_bytes INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'failed')),
        -- The process running it: another live Masque process (the app and the CLI) is not disturbed.
        owner_pid INTEGER,
        error_code TEXT,
        error_message TEXT,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

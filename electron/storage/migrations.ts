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
  {
    version: 5,
    description: "personas, lorebooks with entries and attachments, per-chat persona and author's note",
    sql: `
      CREATE TABLE personas (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        position TEXT NOT NULL DEFAULT 'prefix' CHECK (position IN ('prefix', 'depth')),
        depth INTEGER NOT NULL DEFAULT 0,
        avatar_mime TEXT,
        avatar BLOB,
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX personas_one_default ON personas(is_default) WHERE is_default = 1;

      -- A book without its entries (book_json) and its entries one per row, in the book's order.
      CREATE TABLE lorebooks (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('worldinfo', 'character_book', 'card', 'manual')),
        book_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE lore_entries (
        lorebook_id INTEGER NOT NULL REFERENCES lorebooks(id) ON DELETE CASCADE,
        uid INTEGER NOT NULL,
        ord INTEGER NOT NULL,
        entry_json TEXT NOT NULL,
        PRIMARY KEY (lorebook_id, uid)
      );
      CREATE TABLE lorebook_attachments (
        id INTEGER PRIMARY KEY,
        lorebook_id INTEGER NOT NULL REFERENCES lorebooks(id) ON DELETE CASCADE,
        scope TEXT NOT NULL CHECK (scope IN ('global', 'character', 'chat')),
        character_id INTEGER REFERENCES characters(id) ON DELETE CASCADE,
        chat_id INTEGER REFERENCES chats(id) ON DELETE CASCADE,
        CHECK ((scope = 'global' AND character_id IS NULL AND chat_id IS NULL)
          OR (scope = 'character' AND character_id IS NOT NULL AND chat_id IS NULL)
          OR (scope = 'chat' AND chat_id IS NOT NULL AND character_id IS NULL))
      );
      CREATE UNIQUE INDEX lorebook_attachments_once
        ON lorebook_attachments(lorebook_id, scope, ifnull(character_id, 0), ifnull(chat_id, 0));
      CREATE INDEX lorebook_attachments_character ON lorebook_attachments(character_id);
      CREATE INDEX lorebook_attachments_chat ON lorebook_attachments(chat_id);

      -- Per chat: the persona it chose (NULL: the default persona) and its own author's note
      -- (NULL text: the settings' default note).
      CREATE TABLE chat_roleplay (
        chat_id INTEGER PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
        persona_id INTEGER REFERENCES personas(id) ON DELETE SET NULL,
        note_text TEXT,
        note_depth INTEGER,
        note_every INTEGER
      );
      -- Every persona name a chat was written under, kept for the export's redaction even after
      -- the persona is renamed or deleted.
      CREATE TABLE chat_persona_names (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        PRIMARY KEY (chat_id, name)
      );
    `,
  },
  {
    version: 6,
    description: "LoRA adapters known to the model library",
    sql: `
      CREATE TABLE lora_adapters (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        base_architecture TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        added_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 7,
    description: "model workbench: evaluation runs, blind A/B items and replies, model file hashes",
    sql: `
      -- One row per evaluation. status 'running' with a dead owner_pid is an interrupted run.
      CREATE TABLE eval_runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('perplexity', 'ab')),
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'interrupted', 'failed')),
        label TEXT NOT NULL,
        owner_pid INTEGER,
        owner_host TEXT,
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        duration_ms INTEGER,
        selection_json TEXT NOT NULL,
        selection_hash TEXT NOT NULL DEFAULT '',
        settings_json TEXT NOT NULL,
        result_json TEXT,
        error TEXT
      );
      CREATE INDEX eval_runs_created ON eval_runs(created_at);

      -- A/B: the prompts of a run and each contestant's reply to each prompt.
      CREATE TABLE eval_ab_prompts (
        run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
        prompt_index INTEGER NOT NULL,
        prompt_json TEXT NOT NULL,
        PRIMARY KEY (run_id, prompt_index)
      );
      CREATE TABLE eval_ab_replies (
        run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
        prompt_index INTEGER NOT NULL,
        contestant TEXT NOT NULL,
        text TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        PRIMARY KEY (run_id, prompt_index, contestant)
      );
      -- A/B: one comparison shown to the user, its slots and the vote.
      CREATE TABLE eval_ab_items (
        run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
        item INTEGER NOT NULL,
        prompt_index INTEGER NOT NULL,
        slot_a TEXT NOT NULL,
        slot_b TEXT NOT NULL,
        vote TEXT CHECK (vote IN ('a', 'b', 'tie', 'bad')),
        voted_at INTEGER,
        PRIMARY KEY (run_id, item)
      );

      -- A full SHA-256 per model file, valid while its size and modification time stay the same.
      CREATE TABLE model_file_hashes (
        path TEXT PRIMARY KEY,
        size_bytes INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        sha256 TEXT NOT NULL
      );
    `,
  },
  {
    version: 8,
    description: "group chats: a chat's member characters, and which character wrote each message",
    sql: `
      -- A chat with rows here is a group chat; without, its one character is chats.character_id.
      CREATE TABLE chat_members (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
        -- NULL: the card's own talkativeness (or 0.5).
        talkativeness REAL CHECK (talkativeness IS NULL OR (talkativeness >= 0 AND talkativeness <= 1)),
        PRIMARY KEY (chat_id, character_id)
      );
      CREATE INDEX chat_members_character ON chat_members(character_id);
      -- The character who wrote a character message (NULL: older messages, the chat's character).
      ALTER TABLE messages ADD COLUMN character_id INTEGER REFERENCES characters(id) ON DELETE SET NULL;
      -- Who writes a reply being generated (kept when a crash turns it into an interrupted reply).
      ALTER TABLE partial_replies ADD COLUMN character_id INTEGER;
    `,
  },
];

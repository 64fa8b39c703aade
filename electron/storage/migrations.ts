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
];

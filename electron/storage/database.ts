/**
 * The SQLite database (node:sqlite, no native addon to rebuild for Electron): WAL, foreign keys,
 * numbered migrations, and a transaction helper that every multi-row change goes through.
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { MasqueError } from "../../shared/errors";
import { ensureDataDir } from "./dataDir";
import { MIGRATIONS, type Migration } from "./migrations";

export const DATABASE_FILE = "masque.sqlite";

export interface Database {
  readonly db: DatabaseSync;
  readonly path: string;
  transaction<T>(work: () => T): T;
  close(): void;
}

/** Opens (or creates) the database in `dataDir`; an unusable directory or file is STORAGE_UNAVAILABLE. */
export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  ensureDataDir(dataDir);
  const path = join(dataDir, DATABASE_FILE);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA busy_timeout = 5000");
  } catch (error) {
    throw new MasqueError(
      "STORAGE_UNAVAILABLE",
      `Cannot open the database ${path}: ${(error as Error).message}. The file was left untouched.`,
      { path },
    );
  }

  let depth = 0;
  const transaction = <T>(work: () => T): T => {
    // Nested calls join the outer transaction through a savepoint so a failure undoes only their part.
    const savepoint = `sp${depth}`;
    db.exec(depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    depth++;
    try {
      const result = work();
      depth--;
      db.exec(depth === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      depth--;
      db.exec(depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      throw error;
    }
  };

  const database: Database = { db, path, transaction, close: () => db.close() };
  try {
    migrate(database, migrations);
  } catch (error) {
    db.close();
    throw new MasqueError(
      "STORAGE_UNAVAILABLE",
      `Cannot prepare the database ${path}: ${(error as Error).message}`,
      { path },
    );
  }
  return database;
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

function migrate(database: Database, migrations: readonly Migration[]): void {
  const current = schemaVersion(database.db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `it was written by a newer Masque (schema ${current}, this version knows up to ${latest}); update Masque`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    database.transaction(() => {
      database.db.exec(migration.sql);
      database.db.exec(`PRAGMA user_version = ${migration.version}`);
    });
  }
}

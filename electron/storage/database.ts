/**
 * The SQLite database (node:sqlite, no native addon to rebuild for Electron): WAL, foreign keys,
 * numbered migrations, and a transaction helper that every multi-row change goes through.
 *
 * Storage failures are reported, never hidden: a full disk is STORAGE_FULL and a data directory
 * that cannot be written is opened read-only (every read works, the first write is
 * STORAGE_READ_ONLY), both naming the data directory.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { MasqueError } from "../../shared/errors";
import { ensureDataDir, isWritable } from "./dataDir";
import { MIGRATIONS, type Migration } from "./migrations";
import { guardDatabase, storageReadOnly, translateStorageError } from "./storageErrors";

export const DATABASE_FILE = "masque.sqlite";

const SQLITE_READONLY = 8;
const SQLITE_CANTOPEN = 14;

export interface Database {
  readonly db: DatabaseSync;
  readonly path: string;
  readonly dataDir: string;
  /** True when the data directory or the database file cannot be written. */
  readonly readOnly: boolean;
  transaction<T>(work: () => T): T;
  close(): void;
}

/**
 * Opens (or creates) the database in `dataDir`. An unusable directory or file is STORAGE_UNAVAILABLE;
 * one that cannot be written is opened read-only.
 */
export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  ensureDataDir(dataDir);
  const path = join(dataDir, DATABASE_FILE);
  const canWrite = isWritable(dataDir) && (!existsSync(path) || isWritable(path));
  const opened = (canWrite && openWritable(path)) || openReadOnly(path, dataDir, migrations);
  const db = guardDatabase(opened.db, dataDir);
  const database: Database = {
    db,
    path,
    dataDir,
    readOnly: opened.readOnly,
    transaction: createTransaction(opened.db, db, dataDir),
    close: () => opened.db.close(),
  };
  try {
    if (opened.readOnly) checkReadOnlySchema(database, migrations);
    else migrate(database, migrations);
  } catch (error) {
    opened.db.close();
    if (error instanceof MasqueError) throw error;
    throw new MasqueError(
      "STORAGE_UNAVAILABLE",
      `Cannot prepare the database ${path}: ${(error as Error).message}`,
      { path },
    );
  }
  return database;
}

interface Opened {
  db: DatabaseSync;
  readOnly: boolean;
}

/** The normal case; false when SQLite finds the file read-only after all (then it is opened read-only). */
function openWritable(path: string): Opened | false {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA busy_timeout = 5000");
    return { db, readOnly: false };
  } catch (error) {
    db?.close();
    if (primaryCode(error) === SQLITE_READONLY) return false;
    throw cannotOpen(path, error);
  }
}

/**
 * Read-only opening. A WAL database needs its -wal and -shm files; in a directory that cannot be
 * written they cannot be created, so the file is then opened as immutable (nothing can change it
 * while the directory is read-only). Without a database file at all the library is empty: an
 * in-memory database with the schema, refusing writes like the real one would.
 */
function openReadOnly(path: string, dataDir: string, migrations: readonly Migration[]): Opened {
  if (!existsSync(path)) {
    const db = new DatabaseSync(":memory:");
    for (const migration of migrations) db.exec(migration.sql);
    db.exec(`PRAGMA user_version = ${latestVersion(migrations)}`);
    db.exec("PRAGMA query_only = ON");
    return { db, readOnly: true };
  }
  try {
    return { db: probe(new DatabaseSync(path, { readOnly: true })), readOnly: true };
  } catch (error) {
    if (primaryCode(error) !== SQLITE_CANTOPEN) throw cannotOpen(path, error, dataDir);
  }
  try {
    const immutable = `${pathToFileURL(path).href}?immutable=1`;
    return { db: probe(new DatabaseSync(immutable, { readOnly: true })), readOnly: true };
  } catch (error) {
    throw cannotOpen(path, error, dataDir);
  }
}

function probe(db: DatabaseSync): DatabaseSync {
  try {
    db.prepare("SELECT count(*) FROM sqlite_schema").get();
    db.exec("PRAGMA foreign_keys = ON");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function cannotOpen(path: string, error: unknown, readOnlyDir?: string): MasqueError {
  const where = readOnlyDir === undefined ? "" : ` (read-only, since ${readOnlyDir} cannot be written)`;
  return new MasqueError(
    "STORAGE_UNAVAILABLE",
    `Cannot open the database ${path}${where}: ${(error as Error).message}. The file was left untouched.`,
    { path },
  );
}

function primaryCode(error: unknown): number | undefined {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === "number" ? errcode & 0xff : undefined;
}

/**
 * The transaction helper. Nested calls join the outer transaction through a savepoint, so a failure
 * undoes only their part. When SQLite has already rolled the whole transaction back (it does on a
 * full disk), there is nothing left to undo: rolling back again would fail ("no such savepoint") and
 * hide the real error, so the original error is always the one thrown.
 */
function createTransaction(raw: DatabaseSync, db: DatabaseSync, dataDir: string) {
  let depth = 0;
  const undo = (outermost: boolean, savepoint: string) => {
    if (!raw.isTransaction) return;
    try {
      raw.exec(outermost ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    } catch {
      // Keep the error that made us roll back; this one says less.
    }
  };
  return <T>(work: () => T): T => {
    const outermost = depth === 0;
    const savepoint = `sp${depth}`;
    db.exec(outermost ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    depth++;
    try {
      const result = work();
      db.exec(outermost ? "COMMIT" : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      undo(outermost, savepoint);
      throw translateStorageError(error, dataDir);
    } finally {
      depth--;
    }
  };
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

function latestVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

function refuseNewer(current: number, latest: number): void {
  if (current > latest) {
    throw new Error(
      `it was written by a newer Masque (schema ${current}, this version knows up to ${latest}); update Masque`,
    );
  }
}

function migrate(database: Database, migrations: readonly Migration[]): void {
  const current = schemaVersion(database.db);
  refuseNewer(current, latestVersion(migrations));
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    database.transaction(() => {
      database.db.exec(migration.sql);
      database.db.exec(`PRAGMA user_version = ${migration.version}`);
    });
  }
}

/** Migrations cannot run on a read-only database: an outdated one is refused, clearly. */
function checkReadOnlySchema(database: Database, migrations: readonly Migration[]): void {
  const current = schemaVersion(database.db);
  const latest = latestVersion(migrations);
  refuseNewer(current, latest);
  if (current < latest) {
    throw storageReadOnly(
      database.dataDir,
      `The database ${database.path} was written by an older Masque (schema ${current}; this version needs ` +
        `${latest}) and the data directory ${database.dataDir} is read-only, so it cannot be upgraded. ` +
        "Make the directory writable and run Masque once to upgrade it.",
    );
  }
}

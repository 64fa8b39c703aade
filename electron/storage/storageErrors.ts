/**
 * The failures that mean "the disk is full" or "this data directory cannot be written", turned into
 * the contract's STORAGE_FULL and STORAGE_READ_ONLY naming the data directory, wherever they happen:
 * every statement and exec of the database goes through `guardDatabase`, and the settings store
 * passes its file errors through `translateStorageError`.
 */
import type { DatabaseSync } from "node:sqlite";
import { MasqueError } from "../../shared/errors";

/** SQLite's primary result codes (the low byte of an extended code). */
const SQLITE_READONLY = 8;
const SQLITE_FULL = 13;

/** File-system errors that mean the file or directory may not be written. */
const READ_ONLY_ERRNOS = new Set(["EROFS", "EACCES", "EPERM"]);

export function storageFull(dataDir: string): MasqueError {
  return new MasqueError(
    "STORAGE_FULL",
    `The disk holding the data directory ${dataDir} is full; nothing was written. Free some space and try again.`,
    { dataDir },
  );
}

export function storageReadOnly(dataDir: string, detail?: string): MasqueError {
  return new MasqueError(
    "STORAGE_READ_ONLY",
    detail ??
      `The data directory ${dataDir} is read-only: the library can be read but not changed. ` +
        "Make it writable, or choose another with --data-dir or MASQUE_DATA_DIR.",
    { dataDir },
  );
}

/** The storage error for `error`, or `error` itself when it is not a full disk or a read-only store. */
export function translateStorageError(error: unknown, dataDir: string): unknown {
  if (typeof error !== "object" || error === null || error instanceof MasqueError) return error;
  const { errcode, code } = error as { errcode?: unknown; code?: unknown };
  if (typeof errcode === "number") {
    const primary = errcode & 0xff;
    if (primary === SQLITE_FULL) return storageFull(dataDir);
    if (primary === SQLITE_READONLY) return storageReadOnly(dataDir);
    return error;
  }
  if (code === "ENOSPC") return storageFull(dataDir);
  if (typeof code === "string" && READ_ONLY_ERRNOS.has(code)) return storageReadOnly(dataDir);
  return error;
}

/**
 * The same database, except that every method of it and of the statements it prepares reports a
 * full disk or a read-only store as the contract error. The repositories write with plain
 * `prepare(...).run(...)`, so this is the one place that sees every write.
 */
export function guardDatabase(db: DatabaseSync, dataDir: string): DatabaseSync {
  return guard(db, dataDir);
}

function guard<T extends object>(target: T, dataDir: string): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      let method = wrapped.get(property);
      if (!method) {
        method = (...args: unknown[]) => {
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(object, args);
          } catch (error) {
            throw translateStorageError(error, dataDir);
          }
          // Statements are guarded too (prepare is the only method that returns one).
          return property === "prepare" ? guard(result as object, dataDir) : result;
        };
        wrapped.set(property, method);
      }
      return method;
    },
  });
}

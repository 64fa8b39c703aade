import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { MasqueError } from "../../shared/errors";

/** File-system errors that mean "may be read but not written". */
const NOT_WRITABLE = new Set(["EROFS", "EACCES", "EPERM"]);

/** Creates the data directory if needed; anything unusable is STORAGE_UNAVAILABLE naming it. */
export function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!statSync(dataDir).isDirectory())
      throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new MasqueError(
      "STORAGE_UNAVAILABLE",
      `The data directory ${dataDir} cannot be used (${reason}). Choose another with --data-dir or MASQUE_DATA_DIR.`,
      { dataDir },
    );
  }
}

/**
 * Whether `path` may be written: false on a read-only mount, an immutable file or missing
 * permissions (the kernel answers for root too, so a read-only mount is seen even by root).
 */
export function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (error) {
    return !NOT_WRITABLE.has((error as NodeJS.ErrnoException).code ?? "");
  }
}

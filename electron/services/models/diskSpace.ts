/** The disk-space check made before a download starts (and again once the real size is known). */
import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { MasqueError } from "../../../shared/errors";
import { formatBytes } from "../../../shared/format/bytes";

/** Kept free beyond the file itself: other writes (the database, logs) must not fail because of a download. */
export const DISK_MARGIN_BYTES = 64 * 1024 * 1024;

/** Bytes an unprivileged process may still write on the disk holding `path` (or its nearest existing parent). */
export async function freeDiskBytes(path: string): Promise<number> {
  let current = path;
  for (;;) {
    try {
      const stats = await statfs(current);
      return Number(stats.bavail) * Number(stats.bsize);
    } catch (error) {
      const parent = dirname(current);
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || parent === current) throw error;
      current = parent;
    }
  }
}

/** Throws STORAGE_FULL (naming both sizes) unless `neededBytes` plus the margin fit on the disk of `dir`. */
export async function ensureDiskSpace(
  dir: string,
  neededBytes: number,
  what: string,
  free: (path: string) => Promise<number> = freeDiskBytes,
): Promise<void> {
  const available = await free(dir);
  if (neededBytes + DISK_MARGIN_BYTES > available) {
    throw new MasqueError(
      "STORAGE_FULL",
      `${what} needs ${formatBytes(neededBytes)} but only ${formatBytes(available)} are free in ${dir}; nothing was downloaded`,
      { neededBytes, freeBytes: available, dir },
    );
  }
}

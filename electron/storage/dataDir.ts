import { mkdirSync, statSync } from "node:fs";
import { MasqueError } from "../../shared/errors";

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

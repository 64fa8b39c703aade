/**
 * The desktop app's place for the hub access token: encrypted with Electron's `safeStorage` (the
 * OS keychain, DPAPI or libsecret) in a file of the data directory. Where the OS offers no real
 * encryption (Linux without a keyring falls back to "basic_text"), nothing is stored and the user
 * is told to use HF_TOKEN instead.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SafeStorage } from "electron";
import { MasqueError } from "../../../shared/errors";
import type { TokenVault } from "../../services/models/hubToken";

export const TOKEN_FILE = "hub-token.bin";

type Encryption = Pick<SafeStorage, "isEncryptionAvailable" | "encryptString" | "decryptString"> &
  Partial<Pick<SafeStorage, "getSelectedStorageBackend">>;

function usable(safeStorage: Encryption): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  // On Linux without a keyring Electron "encrypts" with a hard-coded key: not a place for a token.
  return safeStorage.getSelectedStorageBackend?.() !== "basic_text";
}

export function createSafeStorageVault(safeStorage: Encryption, dataDir: string): TokenVault {
  const file = join(dataDir, TOKEN_FILE);
  return {
    read() {
      if (!existsSync(file) || !usable(safeStorage)) return null;
      try {
        return safeStorage.decryptString(readFileSync(file)) || null;
      } catch {
        return null;
      }
    },
    write(token) {
      if (token === null) {
        rmSync(file, { force: true });
        return;
      }
      if (!usable(safeStorage)) {
        throw new MasqueError(
          "INVALID_INPUT",
          "This system offers no encrypted storage for the token (no keyring); set HF_TOKEN in the environment instead",
        );
      }
      writeFileSync(file, safeStorage.encryptString(token), { mode: 0o600 });
    },
  };
}

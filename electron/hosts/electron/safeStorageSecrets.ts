/**
 * API keys of remote backends, kept encrypted with Electron's safeStorage (the OS keychain:
 * Keychain, DPAPI, libsecret/kwallet) in a file of their own in the data directory, never in the
 * settings. Where the OS offers no real encryption (Linux without a keyring falls back to a fixed
 * obfuscation key, "basic_text"), keys are refused: use an environment variable there.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { safeStorage } from "electron";
import { MasqueError } from "../../../shared/errors";
import type { SecretStore } from "../../services/backends/secrets";

export function createSafeStorageSecrets(file: string): SecretStore {
  const read = (): Record<string, string> => {
    if (!existsSync(file)) return {};
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
      return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  const write = (keys: Record<string, string>) => {
    const temp = `${file}.tmp`;
    writeFileSync(temp, JSON.stringify(keys), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  };
  const available = () =>
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== "linux" || safeStorage.getSelectedStorageBackend() !== "basic_text");

  return {
    available,
    get(name) {
      const sealed = read()[name];
      if (!sealed || !available()) return null;
      try {
        return safeStorage.decryptString(Buffer.from(sealed, "base64"));
      } catch {
        return null;
      }
    },
    set(name, key) {
      if (!available()) {
        throw new MasqueError(
          "INVALID_INPUT",
          "This system offers no encrypted key storage; put the key in an environment variable and name it with apiKeyEnv.",
        );
      }
      write({ ...read(), [name]: safeStorage.encryptString(key).toString("base64") });
    },
    delete(name) {
      const keys = read();
      if (!(name in keys)) return;
      delete keys[name];
      write(keys);
    },
  };
}

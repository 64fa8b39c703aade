/** The Electron safeStorage adapter for the hub token, with a mocked `electron`, and the token's precedence. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HubToken } from "../../../electron/services/models/hubToken";
import { makeTempDir } from "../../helpers/tempDir";

const electron = vi.hoisted(() => {
  const state = { available: true, backend: "gnome_libsecret" };
  // A reversible stand-in for the OS encryption: the stored bytes must not contain the token.
  const scramble = (text: string) => Buffer.from([...Buffer.from(text, "utf8")].map((b) => b ^ 0x5a));
  return {
    state,
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => state.available),
      getSelectedStorageBackend: vi.fn(() => state.backend),
      encryptString: vi.fn((text: string) => scramble(text)),
      decryptString: vi.fn((data: Buffer) => Buffer.from([...data].map((b) => b ^ 0x5a)).toString("utf8")),
    },
  };
});

vi.mock("electron", () => ({ safeStorage: electron.safeStorage }));

const TOKEN = "hf_VaultTestToken0123456789";

describe("safeStorage token vault", () => {
  let temp: { dir: string; cleanup: () => void };

  beforeEach(() => {
    temp = makeTempDir("masque-vault-");
    electron.state.available = true;
    electron.state.backend = "gnome_libsecret";
  });
  afterEach(() => temp.cleanup());

  async function vault() {
    const { safeStorage } = await import("electron");
    const { createSafeStorageVault, TOKEN_FILE } = await import(
      "../../../electron/hosts/electron/tokenVault"
    );
    return { vault: createSafeStorageVault(safeStorage, temp.dir), file: join(temp.dir, TOKEN_FILE) };
  }

  it("stores the token encrypted and reads it back; null forgets it", async () => {
    const { vault: v, file } = await vault();
    expect(v.read()).toBeNull();
    v.write(TOKEN);
    expect(readFileSync(file).includes(Buffer.from(TOKEN))).toBe(false);
    expect(v.read()).toBe(TOKEN);
    v.write(null);
    expect(existsSync(file)).toBe(false);
    expect(v.read()).toBeNull();
  });

  it("refuses to store where the OS offers no real encryption", async () => {
    const { vault: v, file } = await vault();
    electron.state.backend = "basic_text";
    expect(() => v.write(TOKEN)).toThrow(/no encrypted storage.*HF_TOKEN/);
    electron.state.backend = "gnome_libsecret";
    electron.state.available = false;
    expect(() => v.write(TOKEN)).toThrow(/HF_TOKEN/);
    expect(existsSync(file)).toBe(false);
  });

  it("gives the environment precedence and never returns the token in the status", async () => {
    const { vault: v } = await vault();
    v.write(TOKEN);
    const stored = new HubToken(v, {});
    expect(stored.get()).toBe(TOKEN);
    expect(stored.status()).toEqual({ source: "stored", canStore: true });
    const fromEnv = new HubToken(v, { HF_TOKEN: "hf_fromEnv" });
    expect(fromEnv.get()).toBe("hf_fromEnv");
    expect(JSON.stringify(fromEnv.status())).not.toContain("hf_");
    const none = new HubToken(null, {});
    expect(none.status()).toEqual({ source: "none", canStore: false });
    expect(() => none.set(TOKEN)).toThrow(/set HF_TOKEN/);
  });
});

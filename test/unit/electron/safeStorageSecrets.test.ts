import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeTempDir } from "../../helpers/tempDir";

/** A stand-in for the OS keychain: reversible, but never the plain key on disk. */
const safe = vi.hoisted(() => ({
  encryptionAvailable: true,
  backend: "gnome_libsecret",
  isEncryptionAvailable: vi.fn(() => safe.encryptionAvailable),
  getSelectedStorageBackend: vi.fn(() => safe.backend),
  encryptString: vi.fn((text: string) => Buffer.from(`sealed:${[...text].reverse().join("")}`)),
  decryptString: vi.fn((sealed: Buffer) => {
    const text = sealed.toString();
    if (!text.startsWith("sealed:")) throw new Error("Error while decrypting the ciphertext");
    return [...text.slice(7)].reverse().join("");
  }),
}));
vi.mock("electron", () => ({ safeStorage: safe }));

const { createSafeStorageSecrets } = await import("../../../electron/hosts/electron/safeStorageSecrets");

let temp: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  temp = makeTempDir();
  file = join(temp.dir, "backend-keys.json");
  safe.encryptionAvailable = true;
  safe.backend = "gnome_libsecret";
});
afterEach(() => temp.cleanup());

describe("safeStorage secrets", () => {
  it("keeps keys encrypted in a private file and reads them back", () => {
    const secrets = createSafeStorageSecrets(file);
    expect(secrets.available()).toBe(true);
    secrets.set("box", "sk-secret-123");
    secrets.set("other", "sk-2");
    const onDisk = readFileSync(file, "utf8");
    expect(onDisk).not.toContain("sk-secret-123");
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(createSafeStorageSecrets(file).get("box")).toBe("sk-secret-123");
    secrets.delete("box");
    expect(secrets.get("box")).toBeNull();
    expect(secrets.get("other")).toBe("sk-2");
  });

  it("refuses to keep keys without real encryption (no keyring on Linux, or none at all)", () => {
    safe.encryptionAvailable = false;
    const secrets = createSafeStorageSecrets(file);
    expect(secrets.available()).toBe(false);
    expect(() => secrets.set("box", "k")).toThrow(/environment variable/);
    safe.encryptionAvailable = true;
    safe.backend = "basic_text";
    expect(secrets.available()).toBe(process.platform !== "linux");
  });

  it("gives null for a key that cannot be decrypted (another machine's file)", () => {
    const secrets = createSafeStorageSecrets(file);
    secrets.set("box", "k");
    const tampered = JSON.stringify({ box: Buffer.from("garbage").toString("base64") });
    writeFileSync(file, tampered);
    expect(secrets.get("box")).toBeNull();
  });
});

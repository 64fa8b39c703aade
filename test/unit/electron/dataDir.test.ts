import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveDataDir } from "../../../electron/hosts/electron/dataDir";

const FALLBACK = "/home/u/.config/Masque";

describe("resolveDataDir", () => {
  it("defaults to Electron's userData path", () => {
    expect(resolveDataDir(["electron", "."], {}, FALLBACK)).toBe(FALLBACK);
  });

  it("takes MASQUE_DATA_DIR over the default", () => {
    expect(resolveDataDir(["electron", "."], { MASQUE_DATA_DIR: "/data/env" }, FALLBACK)).toBe("/data/env");
  });

  it("takes --data-dir DIR and --data-dir=DIR over the environment", () => {
    const env = { MASQUE_DATA_DIR: "/data/env" };
    expect(resolveDataDir(["masque", "--data-dir", "/data/arg"], env, FALLBACK)).toBe("/data/arg");
    expect(resolveDataDir(["masque", "--data-dir=/data/eq"], env, FALLBACK)).toBe("/data/eq");
  });

  it("resolves a relative directory against the working directory", () => {
    expect(resolveDataDir(["masque", "--data-dir", "rel/dir"], {}, FALLBACK)).toBe(resolve("rel/dir"));
  });

  it("ignores a flag without a value", () => {
    expect(resolveDataDir(["masque", "--data-dir"], {}, FALLBACK)).toBe(FALLBACK);
    expect(resolveDataDir(["masque", "--data-dir", "--inspect"], {}, FALLBACK)).toBe(FALLBACK);
    expect(resolveDataDir(["masque", "--data-dir="], { MASQUE_DATA_DIR: " " }, FALLBACK)).toBe(FALLBACK);
  });
});

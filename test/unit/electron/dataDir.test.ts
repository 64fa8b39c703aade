import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { takeDataDir } from "../../../electron/hosts/cli/args";
import { appDataDir, resolveDataDir, takeDataDirFlag } from "../../../electron/hosts/dataDir";

const FALLBACK = "/home/u/.config/Masque";

/** The rule as every host applies it: the flag from argv, then the environment, then the fallback. */
const chosen = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  resolveDataDir(takeDataDirFlag(argv).flag, env, FALLBACK);

describe("the data-dir rule (one for the CLI, the web host and Electron)", () => {
  it("defaults to the app's directory", () => {
    expect(chosen(["electron", "."])).toBe(FALLBACK);
  });

  it("takes MASQUE_DATA_DIR over the default, ignoring a blank one", () => {
    expect(chosen(["electron", "."], { MASQUE_DATA_DIR: "/data/env" })).toBe("/data/env");
    expect(chosen(["electron", "."], { MASQUE_DATA_DIR: "  " })).toBe(FALLBACK);
  });

  it("takes --data-dir DIR and --data-dir=DIR over the environment, anywhere, the last one winning", () => {
    const env = { MASQUE_DATA_DIR: "/data/env" };
    expect(chosen(["--data-dir", "/data/arg", "characters", "list"], env)).toBe("/data/arg");
    expect(chosen(["characters", "--data-dir=/data/eq", "list"], env)).toBe("/data/eq");
    expect(chosen(["--data-dir=/one", "--data-dir", "/two"], env)).toBe("/two");
  });

  it("resolves relative directories against the working directory", () => {
    expect(chosen(["--data-dir", "rel/dir"])).toBe(resolve("rel/dir"));
    expect(chosen([], { MASQUE_DATA_DIR: "env/dir" })).toBe(resolve("env/dir"));
  });

  it("refuses a flag without a directory instead of silently using another one", () => {
    for (const argv of [["--data-dir"], ["--data-dir", "--json"], ["--data-dir="], ["--data-dir=  "]]) {
      expect(() => takeDataDirFlag(argv), argv.join(" ")).toThrow("--data-dir needs a directory");
    }
    expect(() => takeDataDir(["--data-dir"])).toThrow(/--data-dir needs a directory\nRun `masque help`/);
  });

  it("leaves the other arguments in order", () => {
    expect(takeDataDirFlag(["chats", "--data-dir", "/d", "send", "1", "hi"]).rest).toEqual([
      "chats",
      "send",
      "1",
      "hi",
    ]);
  });

  it("uses the OS app-data folder Electron's userData uses, named Masque", () => {
    expect(appDataDir({ XDG_CONFIG_HOME: "/x/config" }, "linux")).toBe(join("/x/config", "Masque"));
    expect(appDataDir({ APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "win32")).toBe(
      join("C:\\Users\\u\\AppData\\Roaming", "Masque"),
    );
    expect(appDataDir({}, "darwin")).toMatch(/Library[/\\]Application Support[/\\]Masque$/);
  });
});

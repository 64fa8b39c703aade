import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { partPathsOf, scanFolder, splitPartInfo } from "../../../electron/services/models/scanner";
import { makeTempDir } from "../../helpers/tempDir";

describe("model folder scan", () => {
  let temp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    temp = makeTempDir("masque-scan-");
  });
  afterEach(() => temp.cleanup());

  const file = (relative: string, bytes = 10) => {
    const path = join(temp.dir, relative);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, Buffer.alloc(bytes));
    return path;
  };

  it("finds .gguf files at any depth and groups split parts into one model", async () => {
    const single = file("a/b/c/Model.Q4_K_M.gguf", 100);
    const part1 = file("big/Big-00001-of-00003.gguf", 5);
    file("big/Big-00002-of-00003.gguf", 6);
    file("big/Big-00003-of-00003.gguf", 7);
    file("notes.txt");
    file(".hidden/Secret.gguf");
    const { models, skipped } = await scanFolder(temp.dir);
    expect(models).toEqual([
      expect.objectContaining({ path: single, sizeBytes: 100, partPaths: [single] }),
      expect.objectContaining({ path: part1, sizeBytes: 18, partPaths: partPathsOf(part1) }),
    ]);
    expect(skipped).toEqual([]);
  });

  it("reports a split model with a missing part instead of listing it", async () => {
    const part1 = file("Split-00001-of-00002.gguf");
    const { models, skipped } = await scanFolder(temp.dir);
    expect(models).toEqual([]);
    expect(skipped).toEqual([
      { path: part1, reason: expect.stringMatching(/missing 1 of 2 parts \(Split-00002-of-00002\.gguf\)/) },
    ]);
  });

  it("follows symbolic links once, survives a loop, and never enters an excluded folder", async () => {
    const model = file("real/M.gguf");
    symlinkSync(join(temp.dir, "real"), join(temp.dir, "link"));
    symlinkSync(temp.dir, join(temp.dir, "real", "loop"));
    file("downloads/D.gguf");
    const { models } = await scanFolder(temp.dir, [join(temp.dir, "downloads")]);
    // The folder is reached twice (directly and through the link) but read once; the loop ends.
    expect(models).toHaveLength(1);
    expect([model, join(temp.dir, "link", "M.gguf")]).toContain(models[0]?.path);
  });

  it("names split parts", () => {
    expect(splitPartInfo("/m/X-00002-of-00010.gguf")).toEqual({ base: "/m/X", part: 2, parts: 10 });
    expect(splitPartInfo("/m/X.gguf")).toBeNull();
    expect(partPathsOf("/m/X-00001-of-00002.gguf")).toEqual([
      "/m/X-00001-of-00002.gguf",
      "/m/X-00002-of-00002.gguf",
    ]);
  });
});

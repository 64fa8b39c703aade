/**
 * The model library through the real core: local files and folders, what the header says, missing
 * files, fit estimates (local and remote headers), the load plan, and per-model settings that
 * follow a file by its hash.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openTestCore, type TestCore } from "../helpers/core";
import { sha256File } from "../helpers/fakeHub";
import { writeHugeHeaderOnlyGguf, writePaddedGguf } from "../helpers/gguf";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { type ModelHub, SMALL_URI, startModelHub } from "../helpers/modelHub";
import { makeTempDir } from "../helpers/tempDir";

describe.skipIf(!HAS_TEST_MODEL)("model library", () => {
  const files = makeTempDir("masque-library-");
  let t: TestCore;

  afterAll(() => files.cleanup());
  afterEach(async () => {
    await t?.close();
  });

  function place(relative: string, source = TEST_MODEL_PATH): string {
    const path = join(files.dir, relative);
    mkdirSync(join(path, ".."), { recursive: true });
    copyFileSync(source, path);
    return path;
  }

  it("scans a folder (remembered), reads each header, and shows a vanished file as missing", async () => {
    t = await openTestCore();
    const folder = join(files.dir, "scan");
    const a = place("scan/deep/er/a.gguf");
    const b = place("scan/b.gguf");
    writeFileSync(join(folder, "broken.gguf"), "this is a text file, not a model\n");
    const added = await t.call("models.add", { path: folder });
    expect(added.folder).toBe(folder);
    expect(await t.call("models.folders", {})).toEqual([folder]);
    const byPath = new Map(added.added.map((m) => [m.path, m]));
    expect(byPath.get(a)).toMatchObject({
      architecture: "llama",
      parameters: 292_800,
      quantization: "F32",
      trainedContextSize: 2048,
      template: null,
      origin: "folder",
      source: folder,
      missing: false,
      problem: null,
    });
    expect(byPath.get(join(folder, "broken.gguf"))?.problem).toMatch(/not a GGUF model/);

    rmSync(b);
    const listed = await t.call("models.list", {});
    expect(listed.find((m) => m.path === b)).toMatchObject({ missing: true, fit: null });
    const refused = await t.fail("models.use", { path: b });
    expect(refused.code).toBe("MODEL_INVALID");
    expect(refused.message).toContain("missing");
    const broken = await t.fail("model.load", { path: join(folder, "broken.gguf") });
    expect(broken.code).toBe("MODEL_INVALID");
  });

  it("hashes local files in the background and reports it", async () => {
    t = await openTestCore();
    const path = place("hash/m.gguf");
    const { added } = await t.call("models.add", { path });
    await expect
      .poll(async () => (await t.call("models.list", {}))[0]?.sha256, { timeout: 10_000 })
      .toBe(sha256File(path));
    expect(t.eventsOf("models.changed").some((e) => e.modelIds.includes(added[0]?.id ?? -1))).toBe(true);
  });

  it("estimates memory: positive RAM and fits at the trained context; a huge model is refused before llama.cpp", async () => {
    t = await openTestCore();
    const { added } = await t.call("models.add", { path: TEST_MODEL_PATH });
    const id = added[0]?.id as number;
    const fit = await t.call("models.fit", { id });
    expect(fit).toMatchObject({
      fits: true,
      verdict: "fits",
      contextSize: 2048,
      maxContextSize: 2048,
      gpuLayers: 0,
    });
    expect(fit.ramBytes).toBeGreaterThan(statSync(TEST_MODEL_PATH).size);
    const smaller = await t.call("models.fit", { id, contextSize: 512 });
    expect(smaller.ramBytes).toBeLessThan(fit.ramBytes);

    const huge = join(files.dir, "huge.gguf");
    writeHugeHeaderOnlyGguf(huge, 200e9);
    const hugeFit = await t.call("models.fit", { path: huge });
    expect(hugeFit).toMatchObject({ fits: false, verdict: "doesNotFit", maxContextSize: 0 });
    expect(hugeFit.ramBytes).toBeGreaterThan(200e9 * 4);
    const error = await t.fail("model.load", { path: huge });
    expect(error.code).toBe("MODEL_TOO_LARGE");
    expect(error.details).toMatchObject({ neededRamBytes: hugeFit.ramBytes });
    // Refused by the estimate: llama.cpp would have said the data is out of the file's bounds (MODEL_INVALID).
    expect(t.eventsOf("model.status").some((s) => s.state === "loading" && s.path === huge)).toBe(false);
  });

  it("refuses a truncated copy before llama.cpp is asked, naming the missing bytes", async () => {
    t = await openTestCore();
    const truncated = join(files.dir, "truncated.gguf");
    writeFileSync(truncated, readFileSync(TEST_MODEL_PATH).subarray(0, 600 * 1024));
    const error = await t.fail("model.load", { path: truncated, remember: false });
    expect(error.code).toBe("MODEL_INVALID");
    expect(error.message).toMatch(/the file is incomplete .* it may be truncated/);
    expect(error.details).toMatchObject({ sizeBytes: 600 * 1024 });
    expect(t.eventsOf("model.status").some((s) => s.path === truncated)).toBe(false);
  });

  it("loads with the context capped by the trained context, and says so", async () => {
    t = await openTestCore();
    await t.call("settings.update", { contextSize: 8192 });
    const status = await t.call("model.load", { path: TEST_MODEL_PATH });
    expect(status).toMatchObject({ state: "loaded", contextSize: 2048 });
    const model = (await t.call("models.list", {})).find((m) => m.path === TEST_MODEL_PATH);
    expect(model?.lastUsedAt).not.toBeNull();
    expect(model?.contextNote).toBe("Context 8192 capped to 2048, the context this model was trained with.");
  });

  it("keeps per-model settings for a moved file (by SHA-256) and uses its context size", async () => {
    t = await openTestCore();
    const original = place("move/before.gguf");
    const { added } = await t.call("models.add", { path: original });
    const id = added[0]?.id as number;
    const saved = await t.call("models.updateSettings", {
      id,
      settings: { contextSize: 1024, templateId: "chatml", threads: 1 },
    });
    expect(saved).toEqual({ contextSize: 1024, templateId: "chatml", threads: 1 });
    const moved = join(files.dir, "move", "after.gguf");
    renameSync(original, moved);
    const used = await t.call("models.use", { path: moved });
    expect(used.active).toBe(true);
    expect(await t.call("models.settings", { id: used.id })).toEqual(saved);
    const settings = await t.call("settings.get", {});
    expect(settings.modelOverrides[moved]).toEqual({ templateId: "chatml", threads: 1 });
    const status = await t.call("model.load", {});
    expect(status).toMatchObject({ path: moved, contextSize: 1024, threads: 1 });
    const list = await t.call("models.list", {});
    expect(list.find((m) => m.path === original)?.missing).toBe(true);
    const error = await t.fail("models.updateSettings", { id: used.id, settings: { templateId: "klingon" } });
    expect(error).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("reads and loads a model whose header carries a large metadata value", async () => {
    t = await openTestCore();
    const padded = join(files.dir, "padded.gguf");
    await writePaddedGguf(TEST_MODEL_PATH, padded, 3 * 1024 * 1024);
    const { added } = await t.call("models.add", { path: padded });
    expect(added[0]).toMatchObject({ parameters: 292_800, sizeBytes: statSync(padded).size });
    const status = await t.call("model.load", { path: padded });
    expect(status.state).toBe("loaded");
  });

  describe("with a loopback hub", () => {
    const hubFiles = makeTempDir("masque-library-hub-");
    let hub: ModelHub;
    beforeAll(async () => {
      hub = await startModelHub(hubFiles.dir);
    });
    afterAll(async () => {
      await hub.hub.close();
      hubFiles.cleanup();
    });

    it("estimates a remote model from its header alone (a ranged read, never the whole file)", async () => {
      t = await openTestCore();
      await t.call("settings.update", { hubEndpoint: hub.hub.url });
      hub.hub.resetCounters();
      const fit = await t.call("models.fit", { uri: SMALL_URI, contextSize: 1024 });
      expect(fit).toMatchObject({ fits: true, contextSize: 1024, maxContextSize: 2048 });
      expect(fit.ramBytes).toBeGreaterThan(0);
      expect(hub.hub.requests.some((r) => r.range !== null)).toBe(true);
      const local = await t.call("models.fit", { path: TEST_MODEL_PATH, contextSize: 1024 });
      expect(fit.ramBytes).toBe(local.ramBytes);
    });

    it("shows the catalog with fits and marks an entry installed once it is downloaded", async () => {
      const extra = join(hubFiles.dir, "catalog.json");
      writeFileSync(
        extra,
        JSON.stringify({
          models: [
            {
              id: "stories-test",
              name: "Stories 260K (test hub)",
              uri: SMALL_URI,
              quantization: "F32",
              sizeBytes: statSync(TEST_MODEL_PATH).size,
              parameters: 292_800,
              license: "mit",
              trainedContextSize: 2048,
              template: "pygmalion",
              kvBytesPerToken: 2560,
              layers: 5,
              description: "The test model.",
            },
          ],
        }),
      );
      process.env.MASQUE_MODELS_CATALOG = extra;
      try {
        t = await openTestCore();
        await t.call("settings.update", { hubEndpoint: hub.hub.url });
        const catalog = await t.call("models.catalog", {});
        expect(catalog.length).toBeGreaterThanOrEqual(6);
        for (const entry of catalog) expect(["fits", "tight", "doesNotFit"]).toContain(entry.fit.verdict);
        expect(catalog[0]).toMatchObject({ id: "stories-test", installedModelId: null, fit: { fits: true } });
        expect(catalog.some((e) => e.id === "llama-3.2-1b-instruct")).toBe(true);
        const { downloadId } = await t.call("models.pull", { uri: catalog[0]?.uri as string });
        await expect
          .poll(() => t.eventsOf("models.download.done").some((e) => e.downloadId === downloadId))
          .toBe(true);
        const after = await t.call("models.catalog", {});
        const installed = (await t.call("models.list", {}))[0];
        expect(after[0]?.installedModelId).toBe(installed?.id);
      } finally {
        delete process.env.MASQUE_MODELS_CATALOG;
      }
    });
  });
});

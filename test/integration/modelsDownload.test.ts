/**
 * Downloads through the real core (real database, node-llama-cpp's downloader) from a loopback hub:
 * progress, cancel and resume, verification, and every way a download can fail.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../electron/storage/database";
import { ModelRepository } from "../../electron/storage/modelRepository";
import type { EventTypes } from "../../shared/api/contract";
import type { ApiError } from "../../shared/errors";
import { openTestCore, type TestCore } from "../helpers/core";
import { sha256File } from "../helpers/fakeHub";
import { HAS_TEST_MODEL } from "../helpers/model";
import {
  BAD_HASH_URI,
  HUGE_URI,
  LARGE_URI,
  type ModelHub,
  SMALL_URI,
  startModelHub,
} from "../helpers/modelHub";
import { makeTempDir } from "../helpers/tempDir";

type Outcome = EventTypes["models.download.done"] | EventTypes["models.download.error"];

const env = { MASQUE_HUB_TIMEOUT_MS: "1500", MASQUE_DOWNLOAD_STALL_MS: "2000" };

describe.skipIf(!HAS_TEST_MODEL)("model downloads from a loopback hub", () => {
  const files = makeTempDir("masque-hub-");
  let hub: ModelHub;
  let t: TestCore;

  beforeAll(async () => {
    Object.assign(process.env, env);
    hub = await startModelHub(files.dir);
  });
  afterAll(async () => {
    for (const key of Object.keys(env)) delete process.env[key];
    await hub.hub.close();
    files.cleanup();
  });
  afterEach(async () => {
    hub.hub.setMode("normal");
    hub.hub.setThrottle(0);
    hub.hub.resetCounters();
    await t?.close();
  });

  async function open(): Promise<TestCore> {
    t = await openTestCore();
    await t.call("settings.update", { hubEndpoint: hub.hub.url });
    return t;
  }

  /** Waits for the end of a download, collecting its progress events. */
  function finished(core: TestCore, downloadId: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const stop = core.core.subscribe((event, payload) => {
        if ((payload as { downloadId?: string }).downloadId !== downloadId) return;
        if (event === "models.download.done" || event === "models.download.error") {
          stop();
          resolve(payload as Outcome);
        }
      });
    });
  }

  async function pullAndWait(core: TestCore, uri: string): Promise<Outcome> {
    const { downloadId } = await core.call("models.pull", { uri });
    return finished(core, downloadId);
  }

  function errorOf(outcome: Outcome): ApiError {
    if (!("error" in outcome)) throw new Error(`expected a failure, got model ${outcome.model.path}`);
    return outcome.error;
  }

  it("downloads, verifies against the published SHA-256 and lists the model with its header facts", async () => {
    await open();
    const outcome = await pullAndWait(t, SMALL_URI);
    if ("error" in outcome) throw new Error(outcome.error.message);
    const model = outcome.model;
    expect(model).toMatchObject({
      origin: "download",
      source: SMALL_URI,
      verified: true,
      architecture: "llama",
      parameters: 292_800,
      trainedContextSize: 2048,
      sha256: sha256File(hub.smallPath),
      sizeBytes: statSync(hub.smallPath).size,
      missing: false,
    });
    expect(model.path.startsWith(join(t.dir, "models"))).toBe(true);
    expect(readdirSync(join(t.dir, "models")).filter((f) => f.endsWith(".ipull"))).toEqual([]);
    const listed = await t.call("models.list", {});
    expect(listed.map((m) => m.id)).toEqual([model.id]);
    const progress = t.eventsOf("models.download.progress");
    expect(progress.map((p) => p.phase)).toContain("verifying");
    expect(await t.call("models.downloads", {})).toEqual([]);
    // The manifest asked for the upper-cased tag with llama.cpp's user agent, as the real hub needs.
    expect(
      hub.hub.requests.some((r) => r.url.endsWith("/manifests/F32") && r.userAgent === "llama-cpp"),
    ).toBe(true);
  });

  it("streams throttled progress with bytes, speed and time left", async () => {
    await open();
    hub.hub.setThrottle(16 * 1024 * 1024);
    const outcome = await pullAndWait(t, LARGE_URI);
    expect("model" in outcome).toBe(true);
    const downloading = t.eventsOf("models.download.progress").filter((p) => p.phase === "downloading");
    const size = statSync(hub.largePath).size;
    expect(downloading.length).toBeGreaterThan(3);
    // node-llama-cpp reports hundreds of progress callbacks for a file this size; a few per second reach clients.
    expect(downloading.length).toBeLessThan(60);
    expect(downloading.every((p) => p.totalBytes === size)).toBe(true);
    const sizes = downloading.map((p) => p.downloadedBytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(downloading.some((p) => p.bytesPerSecond > 0 && p.etaSeconds !== null)).toBe(true);
  });

  it("keeps the partial file on cancel and resumes it, fetching less than the whole file", async () => {
    await open();
    const size = statSync(hub.largePath).size;
    hub.hub.setThrottle(12 * 1024 * 1024);
    const { downloadId } = await t.call("models.pull", { uri: LARGE_URI });
    const end = finished(t, downloadId);
    // Cancel at about 70%: by then several 5 MiB chunks are complete (ipull saves its progress per chunk).
    await new Promise<void>((resolve) => {
      const stop = t.core.subscribe((event, payload) => {
        const p = payload as EventTypes["models.download.progress"];
        if (event === "models.download.progress" && p.downloadedBytes > size * 0.7) {
          stop();
          resolve();
        }
      });
    });
    expect(await t.call("models.cancel", { downloadId })).toEqual({ cancelled: true });
    const stopped = errorOf(await end);
    expect(stopped.code).toBe("ABORTED");
    expect(stopped.message).toMatch(/kept, pull again to resume/);
    const partials = readdirSync(join(t.dir, "models")).filter((f) => f.endsWith(".ipull"));
    expect(partials).toHaveLength(1);
    expect(await t.call("models.list", {})).toEqual([]);
    expect(await t.call("models.downloads", {})).toEqual([
      expect.objectContaining({ uri: LARGE_URI, state: "paused", downloadId: null }),
    ]);

    hub.hub.resetCounters();
    hub.hub.setThrottle(0);
    const resumed = await pullAndWait(t, LARGE_URI);
    if ("error" in resumed) throw new Error(resumed.error.message);
    expect(resumed.model.sha256).toBe(sha256File(hub.largePath));
    expect(resumed.model.verified).toBe(true);
    const fetched = hub.hub.bytesServed();
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThan(size * 0.85);
    console.log(`resume fetched ${fetched} of ${size} bytes (${((fetched / size) * 100).toFixed(1)}%)`);
  });

  it("refuses a file whose SHA-256 differs from the published one: not listed, kept renamed, both hashes named", async () => {
    await open();
    const error = errorOf(await pullAndWait(t, BAD_HASH_URI));
    expect(error.code).toBe("MODEL_INVALID");
    expect(error.message).toContain(`expected ${"0".repeat(64)}`);
    expect(error.message).toContain(`got ${sha256File(hub.smallPath)}`);
    expect(error.details).toMatchObject({
      expectedSha256: "0".repeat(64),
      actualSha256: sha256File(hub.smallPath),
    });
    const kept = (error.details as { path: string }).path;
    expect(kept.endsWith(".rejected")).toBe(true);
    expect(existsSync(kept)).toBe(true);
    expect(await t.call("models.list", {})).toEqual([]);
    expect(await t.call("models.downloads", {})).toEqual([
      expect.objectContaining({
        uri: BAD_HASH_URI,
        state: "failed",
        error: expect.objectContaining({ code: "MODEL_INVALID" }),
      }),
    ]);
  });

  it("reports an unknown repository or tag as NOT_FOUND (the hub's 404) and a malformed URI at once", async () => {
    await open();
    const unknownTag = errorOf(await pullAndWait(t, "hf:tester/Stories-GGUF:Q2_K"));
    expect(unknownTag.code).toBe("NOT_FOUND");
    expect(unknownTag.message).toContain("HTTP 404");
    const unknownRepo = errorOf(await pullAndWait(t, "hf:nobody/Nothing-GGUF:Q4_K_M"));
    expect(unknownRepo.code).toBe("NOT_FOUND");
    const bad = await t.fail("models.pull", { uri: "hf:tester/Stories-GGUF" });
    expect(bad).toMatchObject({ code: "INVALID_INPUT" });
    expect(bad.message).toContain("name the quantization");
  });

  it("stops with a clear timeout when the hub never answers, instead of hanging", async () => {
    await open();
    hub.hub.setMode("silent");
    const started = Date.now();
    const error = errorOf(await pullAndWait(t, SMALL_URI));
    expect(error.code).toBe("ABORTED");
    expect(error.message).toMatch(/did not answer within 2 s/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("does not sit in the downloader's retry loop when the file route answers 503", async () => {
    await open();
    hub.hub.setMode("error503");
    const error = errorOf(await pullAndWait(t, SMALL_URI));
    expect(error.code).toBe("ABORTED");
    expect(error.message).toContain("HTTP 503");
  });

  it("pauses a download whose process died, and never runs one another live process is running", async () => {
    const dir = makeTempDir("masque-owner-");
    const live = spawn("sleep", ["30"]);
    const dead = spawn("true");
    await new Promise((resolve) => dead.on("exit", resolve));
    try {
      const database = openDatabase(dir.dir);
      const repository = new ModelRepository(database);
      const row = {
        fileName: null,
        totalBytes: 0,
        downloadedBytes: 0,
        state: "running" as const,
        errorCode: null,
      };
      repository.saveDownload({
        ...row,
        uri: SMALL_URI,
        ownerPid: live.pid ?? null,
        errorMessage: null,
        updatedAt: 1,
      });
      repository.saveDownload({
        ...row,
        uri: LARGE_URI,
        ownerPid: dead.pid ?? null,
        errorMessage: null,
        updatedAt: 1,
      });
      database.close();
      t = await openTestCore(dir.dir);
      await t.call("settings.update", { hubEndpoint: hub.hub.url });
      const downloads = await t.call("models.downloads", {});
      expect(downloads.find((d) => d.uri === LARGE_URI)?.state).toBe("paused");
      const busy = await t.fail("models.pull", { uri: SMALL_URI });
      expect(busy.code).toBe("BUSY");
      expect(busy.message).toContain(`another Masque process (${live.pid})`);
    } finally {
      live.kill();
      await t.close();
      dir.cleanup();
    }
  });

  it("checks the free disk space before writing anything (STORAGE_FULL)", async () => {
    await open();
    const error = errorOf(await pullAndWait(t, HUGE_URI));
    expect(error.code).toBe("STORAGE_FULL");
    expect(error.message).toMatch(/needs 1 PB but only .* are free/);
    expect(existsSync(join(t.dir, "models")) ? readdirSync(join(t.dir, "models")) : []).toEqual([]);
  });
});

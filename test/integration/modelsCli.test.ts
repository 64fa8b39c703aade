/**
 * `masque models ...` as a user runs it (a real process) against a loopback hub: the JSON shapes of
 * the contract, exit codes with the error code on stderr, `kill -9` in the middle of a pull and the
 * resume, and a hub token that never shows up in any output or file.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMasque } from "../helpers/cli";
import { sha256File } from "../helpers/fakeHub";
import { HAS_TEST_MODEL, PROJECT_ROOT, TEST_MODEL_PATH } from "../helpers/model";
import {
  BAD_HASH_URI,
  HUGE_URI,
  LARGE_URI,
  type ModelHub,
  SMALL_URI,
  startModelHub,
} from "../helpers/modelHub";
import { makeTempDir } from "../helpers/tempDir";

const LIST_KEYS = [
  "id",
  "fileName",
  "path",
  "sizeBytes",
  "sha256",
  "architecture",
  "parameters",
  "quantization",
  "trainedContextSize",
  "template",
  "source",
  "missing",
  "fit",
];

describe.skipIf(!HAS_TEST_MODEL)("masque models (CLI)", () => {
  const files = makeTempDir("masque-cli-hub-");
  let hub: ModelHub;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    hub = await startModelHub(files.dir);
    env = {
      MASQUE_HF_ENDPOINT: hub.hub.url,
      MASQUE_HUB_TIMEOUT_MS: "2000",
      MASQUE_DOWNLOAD_STALL_MS: "3000",
    };
  });
  afterAll(async () => {
    await hub.hub.close();
    files.cleanup();
  });

  function session() {
    const temp = makeTempDir("masque-cli-models-");
    const masque = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
      runMasque(["--data-dir", temp.dir, ...args], { ...env, ...extraEnv });
    return { dir: temp.dir, masque, cleanup: temp.cleanup };
  }

  it("adds, lists, fits, uses and forgets a local model with exactly the documented JSON keys", async () => {
    const s = session();
    try {
      const added = await s.masque(["models", "add", TEST_MODEL_PATH, "--json"]);
      expect(added.code, added.stderr).toBe(0);
      const [model] = JSON.parse(added.stdout) as Record<string, unknown>[];
      expect(Object.keys(model ?? {})).toEqual(LIST_KEYS);
      expect(model).toMatchObject({
        fileName: "stories260K.gguf",
        architecture: "llama",
        parameters: 292_800,
      });

      const listed = await s.masque(["models", "list", "--json"]);
      const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
      expect(rows.map((r) => Object.keys(r))).toEqual([LIST_KEYS]);
      expect(rows[0]?.sha256).toBe(sha256File(TEST_MODEL_PATH));

      const fit = await s.masque(["models", "fit", String(model?.id), "--json"]);
      expect(fit.code, fit.stderr).toBe(0);
      const estimate = JSON.parse(fit.stdout);
      expect(Object.keys(estimate)).toEqual([
        "fits",
        "ramBytes",
        "vramBytes",
        "gpuLayers",
        "contextSize",
        "maxContextSize",
      ]);
      expect(estimate).toMatchObject({ fits: true, contextSize: 2048, maxContextSize: 2048 });
      expect(estimate.ramBytes).toBeGreaterThan(statSync(TEST_MODEL_PATH).size);

      const used = await s.masque(["models", "use", String(model?.id)]);
      expect(used.code, used.stderr).toBe(0);
      const setting = await s.masque(["settings", "get", "modelPath"]);
      expect(setting.stdout.trim()).toBe(TEST_MODEL_PATH);

      const refused = await s.masque(["models", "rm", String(model?.id), "--delete-file"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^INVALID_INPUT: .*was not downloaded by Masque/);
      const removed = await s.masque(["models", "rm", String(model?.id)]);
      expect(removed.code, removed.stderr).toBe(0);
      expect(statSync(TEST_MODEL_PATH).isFile()).toBe(true);
      expect(JSON.parse((await s.masque(["models", "list", "--json"])).stdout)).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it("pulls with progress on stderr and prints {id, path, sha256, sizeBytes, verified}; rm --delete-file deletes it", async () => {
    const s = session();
    try {
      hub.hub.setThrottle(16 * 1024 * 1024);
      const pulled = await s.masque(["models", "pull", LARGE_URI, "--json"]);
      hub.hub.setThrottle(0);
      expect(pulled.code, pulled.stderr).toBe(0);
      const result = JSON.parse(pulled.stdout);
      expect(Object.keys(result)).toEqual(["id", "path", "sha256", "sizeBytes", "verified"]);
      expect(result).toMatchObject({
        sha256: sha256File(hub.largePath),
        sizeBytes: statSync(hub.largePath).size,
        verified: true,
      });
      expect(pulled.stderr).toMatch(/downloading .*%/);
      expect(pulled.stderr).toMatch(/verifying /);

      const again = await s.masque(["models", "pull", LARGE_URI, "--json"]);
      expect(JSON.parse(again.stdout).id).toBe(result.id);

      const fit = JSON.parse(
        (await s.masque(["models", "fit", result.path, "--context", "512", "--json"])).stdout,
      );
      expect(fit).toMatchObject({ fits: true, contextSize: 512, maxContextSize: 2048 });

      const deleted = await s.masque(["models", "rm", String(result.id), "--delete-file"]);
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(readdirSync(join(s.dir, "models"))).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it("exits 1 with the error code first on stderr: bad URI, unknown tag, no disk space, hash mismatch", async () => {
    const s = session();
    try {
      const bad = await s.masque(["models", "pull", "ftp://example.com/model.gguf"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^INVALID_INPUT: /);
      const unknown = await s.masque(["models", "pull", "hf:tester/Stories-GGUF:IQ1_S"]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^NOT_FOUND: .*HTTP 404/);
      const full = await s.masque(["models", "pull", HUGE_URI]);
      expect(full.code).toBe(1);
      expect(full.stderr).toMatch(/^STORAGE_FULL: /);
      const mismatch = await s.masque(["models", "pull", BAD_HASH_URI]);
      expect(mismatch.code).toBe(1);
      const lastLine = mismatch.stderr.trim().split("\n").at(-1) ?? "";
      expect(lastLine).toMatch(/^MODEL_INVALID: .*expected 0{64}, got [a-f0-9]{64}/);
      expect(JSON.parse((await s.masque(["models", "list", "--json"])).stdout)).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it("resumes after kill -9 in the middle of a pull, fetching less than the whole file", async () => {
    const s = session();
    try {
      const size = statSync(hub.largePath).size;
      hub.hub.setThrottle(4 * 1024 * 1024);
      hub.hub.resetCounters();
      const child = spawn(
        process.execPath,
        [join(PROJECT_ROOT, "bin", "masque.js"), "--data-dir", s.dir, "models", "pull", LARGE_URI],
        { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      const killed = new Promise<void>((resolve, reject) => {
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          const percents = [...stderr.matchAll(/: (\d+)% \(/g)].map((m) => Number(m[1]));
          if ((percents.at(-1) ?? 0) >= 70 && child.exitCode === null) child.kill("SIGKILL");
        });
        child.on("exit", (_code, signal) =>
          signal === "SIGKILL" ? resolve() : reject(new Error(`pull ended before the kill:\n${stderr}`)),
        );
      });
      await killed;
      hub.hub.setThrottle(0);
      const firstRun = hub.hub.bytesServed();
      expect(readdirSync(join(s.dir, "models")).some((f) => f.endsWith(".ipull"))).toBe(true);
      expect(JSON.parse((await s.masque(["models", "list", "--json"])).stdout)).toEqual([]);

      hub.hub.resetCounters();
      const resumed = await s.masque(["models", "pull", LARGE_URI, "--json"]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ sha256: sha256File(hub.largePath), verified: true });
      const secondRun = hub.hub.bytesServed();
      expect(secondRun).toBeLessThan(size);
      console.log(
        `kill -9 at >=70%: first run sent ${firstRun} bytes, the resume ${secondRun} of ${size} (${((secondRun / size) * 100).toFixed(1)}%)`,
      );
    } finally {
      hub.hub.setThrottle(0);
      s.cleanup();
    }
  });

  it("never shows the hub token in any output, log or file, while sending it to the hub", async () => {
    const s = session();
    const token = "hf_MasqueLeakCheck7f3a9c2e1b5d";
    try {
      hub.hub.resetCounters();
      const outputs = [
        await s.masque(["models", "pull", SMALL_URI, "--json"], { HF_TOKEN: token }),
        await s.masque(["models", "pull", "hf:tester/Missing-GGUF:Q4_K_M"], { HF_TOKEN: token }),
        await s.masque(["models", "pull", BAD_HASH_URI], { HF_TOKEN: token }),
        await s.masque(["models", "list", "--json"], { HF_TOKEN: token }),
        await s.masque(["models", "fit", SMALL_URI, "--json"], { HF_TOKEN: token }),
        await s.masque(["models", "catalog", "--json"], { HF_TOKEN: token }),
        await s.masque(["settings", "get", "--json"], { HF_TOKEN: token }),
      ];
      expect(outputs[0]?.code, outputs[0]?.stderr).toBe(0);
      expect(outputs[1]?.code).toBe(1);
      for (const output of outputs) {
        expect(output.stdout).not.toContain(token);
        expect(output.stderr).not.toContain(token);
      }
      for (const file of listFiles(s.dir)) {
        expect(readFileSync(file).includes(Buffer.from(token)), `token found in ${file}`).toBe(false);
      }
      // The token was used: the hub saw it on Masque's own requests.
      expect(hub.hub.requests.some((r) => r.authorization === `Bearer ${token}`)).toBe(true);
    } finally {
      s.cleanup();
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

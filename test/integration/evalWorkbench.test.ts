/**
 * The workbench's perplexity runs end to end with the real model and database: a deliberately
 * worse (noised) copy of the test model scores worse on our PIPPA sessions, both runs carry the
 * same selection hash, and the comparison flags every character — through the service and
 * through `masque eval compare --json`. Also: the CLI's perplexity JSON shape, exports, and a run
 * whose process died is marked interrupted, never complete.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreInternals } from "../../electron/services/core";
import { scorePlainText } from "../../electron/services/eval/plainTextScorer";
import { openDatabase } from "../../electron/storage/database";
import { EvalRunRepository } from "../../electron/storage/evalRunRepository";
import type { RunComparison } from "../../shared/domain/eval";
import { FakeEngine } from "../fakes/fakeEngine";
import {
  manyStorySessionsJsonl,
  STORY_CHARACTERS,
  STORY_SESSIONS_PER_CHARACTER,
  storySessionsJsonl,
} from "../fixtures/eval/storySessions";
import { runMasque } from "../helpers/cli";
import { openTestCore, type TestCore } from "../helpers/core";
import { HAS_TEST_MODEL, PROJECT_ROOT, TEST_MODEL_PATH } from "../helpers/model";
import { writeNoisyCopy } from "../helpers/noisyModel";
import { makeTempDir } from "../helpers/tempDir";

async function importStories(t: TestCore): Promise<number[]> {
  const path = join(t.dir, "stories.jsonl");
  writeFileSync(path, storySessionsJsonl());
  const internals = t.core as unknown as { imports: { settled(id: string): Promise<void> } };
  const { importId } = await t.call("import.start", { source: { path } });
  await internals.imports.settled(importId);
  const done = t.eventsOf("import.done").find((e) => e.importId === importId);
  if (!done) throw new Error(`import failed: ${JSON.stringify(t.eventsOf("import.error"))}`);
  return done.report.characterIds;
}

async function runPerplexity(t: TestCore, model: string, characterIds: number[]) {
  const { runId } = await t.call("eval.perplexity", { model, characterIds });
  await (t.core as CoreInternals).evals.settled(runId);
  return t.call("eval.run", { runId });
}

describe.skipIf(!HAS_TEST_MODEL)("perplexity runs with the real model", () => {
  let t: TestCore;
  let temp: ReturnType<typeof makeTempDir>;
  let noisyPath: string;
  let characterIds: number[];

  beforeAll(async () => {
    temp = makeTempDir("masque-eval-");
    noisyPath = await writeNoisyCopy(TEST_MODEL_PATH, temp.dir, { scale: 0.5, seed: 17 });
    t = await openTestCore();
    await t.call("settings.update", { threads: 1, contextSize: 512 });
    characterIds = await importStories(t);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    temp?.cleanup();
  });

  it("scores the noised model worse, on the same token inputs, and the comparison flags it", async () => {
    expect(characterIds).toHaveLength(STORY_CHARACTERS.length);
    const good = await runPerplexity(t, TEST_MODEL_PATH, characterIds);
    const bad = await runPerplexity(t, noisyPath, characterIds);
    for (const run of [good, bad]) {
      expect(run.status, run.error ?? "").toBe("done");
      expect(run.perplexity?.perSession).toHaveLength(STORY_CHARACTERS.length * STORY_SESSIONS_PER_CHARACTER);
      expect(run.perplexity?.perCharacter.map((c) => c.characterName).sort()).toEqual(
        [...STORY_CHARACTERS].sort(),
      );
    }
    const g = good.perplexity;
    const b = bad.perplexity;
    if (!g || !b) throw new Error("a run finished without results");
    expect(g.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.model.sha256).not.toBe(g.model.sha256);
    expect(b.selectionHash).toBe(g.selectionHash);
    expect(g.tokensScored).toBeGreaterThan(100);
    expect(g.perSession.every((s) => s.repliesScored === 2 && s.repliesSkipped === 0)).toBe(true);
    // The figures agree with one another: perplexity = exp(mean NLL), bits per byte from the same sum.
    expect(g.perplexity).toBeCloseTo(Math.exp(g.nll), 9);
    const nllSum = g.perSession.reduce((s, x) => s + x.nllSum, 0);
    expect(g.nll).toBeCloseTo(nllSum / g.tokensScored, 12);
    expect(g.bitsPerByte).toBeCloseTo(nllSum / Math.LN2 / g.bytesScored, 9);
    expect(g.interval?.[0]).toBeLessThanOrEqual(g.perplexity);
    expect(g.interval?.[1]).toBeGreaterThanOrEqual(g.perplexity);
    expect(b.perplexity).toBeGreaterThan(g.perplexity * 1.2);

    const progress = t.eventsOf("eval.progress").filter((p) => p.runId === good.id && p.phase === "scoring");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ done: g.tokensScored, total: g.tokensScored });
    expect(t.eventsOf("eval.done").filter((e) => e.runId === good.id)).toEqual([
      { runId: good.id, kind: "perplexity", status: "done" },
    ]);

    const comparison = await t.call("eval.compare", { runIds: [good.id, bad.id] });
    const [candidate] = comparison.candidates;
    expect(candidate?.worse).toBe(true);
    expect(candidate?.interval[0]).toBeGreaterThan(0);
    expect(candidate?.perCharacter.map((c) => c.worse)).toEqual([true, true]);

    // The same comparison from the command line, on the same data directory.
    const cli = await runMasque([
      "--data-dir",
      t.dir,
      "eval",
      "compare",
      String(good.id),
      String(bad.id),
      "--json",
    ]);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as RunComparison;
    expect(fromCli.candidates[0]?.worse).toBe(true);
    expect(fromCli.candidates[0]?.perCharacter.every((c) => c.worse)).toBe(true);
    expect(fromCli.candidates[0]?.difference).toBeCloseTo(candidate?.difference ?? Number.NaN, 12);

    // The other way round nothing got worse.
    const reverse = await t.call("eval.compare", { runIds: [bad.id, good.id] });
    expect(reverse.candidates[0]?.worse).toBe(false);
    expect(reverse.candidates[0]?.perCharacter.some((c) => c.worse)).toBe(false);

    // Exports: CSV has a row per session, Markdown names the model and its hash.
    const csv = await t.call("eval.export", { runId: good.id, format: "csv" });
    expect(Buffer.from(csv.dataBase64, "base64").toString().trim().split("\n")).toHaveLength(
      1 + g.perSession.length,
    );
    const md = Buffer.from(
      (await t.call("eval.export", { runId: good.id, format: "markdown" })).dataBase64,
      "base64",
    ).toString();
    expect(md).toContain(g.model.sha256);
    expect(md).toContain(g.perplexity.toFixed(3));
  }, 180_000);

  it("masque eval perplexity --json prints the contract's shape and stores the run", async () => {
    const cli = await runMasque([
      "--data-dir",
      t.dir,
      "eval",
      "perplexity",
      "--model",
      TEST_MODEL_PATH,
      "--character",
      String(characterIds[0]),
      "--sessions",
      "2",
      "--json",
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const out = JSON.parse(cli.stdout);
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining([
        "runId",
        "model",
        "tokensScored",
        "bytesScored",
        "nll",
        "perplexity",
        "bitsPerByte",
        "interval",
        "perCharacter",
        "perSession",
      ]),
    );
    expect(out.model.fileName).toBe("stories260K.gguf");
    expect(out.perSession).toHaveLength(2);
    expect(out.perCharacter[0]).toMatchObject({ characterId: characterIds[0] });
    const runs = await t.call("eval.runs", {});
    expect(runs.find((r) => r.id === out.runId)?.status).toBe("done");
    // Comparing with a run on other sessions is refused: the token inputs differ.
    const error = await t.fail("eval.compare", { runIds: [runs[0]?.id, out.runId] });
    expect(error.code).toBe("INVALID_INPUT");
  }, 120_000);

  it("refuses bad selections with a clear error and stores nothing", async () => {
    const before = (await t.call("eval.runs", {})).length;
    expect((await t.fail("eval.perplexity", { model: TEST_MODEL_PATH })).code).toBe("INVALID_INPUT");
    expect((await t.fail("eval.perplexity", { model: TEST_MODEL_PATH, characterIds: [99_999] })).code).toBe(
      "NOT_FOUND",
    );
    expect(
      (await t.fail("eval.perplexity", { model: join(temp.dir, "missing.gguf"), characterIds })).code,
    ).toBe("NOT_FOUND");
    expect((await t.call("eval.runs", {})).length).toBe(before);
  });
});

describe.skipIf(!HAS_TEST_MODEL)("a plain-text run", () => {
  it("scores a text file as one sequence and matches the scorer on the same model and context", async () => {
    const t = await openTestCore();
    try {
      await t.call("settings.update", { threads: 1, contextSize: 512 });
      const file = join(t.dir, "story.txt");
      const text =
        "Once upon a time, there was a little dog named Max. Max liked to run and play in the sun. ".repeat(
          12,
        );
      writeFileSync(file, text);
      const { runId } = await t.call("eval.perplexity", {
        model: TEST_MODEL_PATH,
        textFile: file,
        contextSize: 128,
      });
      await (t.core as CoreInternals).evals.settled(runId);
      const run = await t.call("eval.run", { runId });
      const result = run.perplexity;
      if (!result) throw new Error(`run ended ${run.status}: ${run.error}`);
      expect(result.templateId).toBe("plain-text");
      expect(result.perSession.map((s) => s.key)).toEqual(["text"]);
      expect(result.bytesScored).toBe(Buffer.byteLength(text));
      // The same text through Engine.openScoring and the phase-1 plain-text scorer directly.
      const scoring = await (t.core as CoreInternals).engine.openScoring({ contextSize: 128 });
      const direct = await scorePlainText(scoring, text);
      await scoring.dispose();
      expect(direct.windows).toBeGreaterThan(1);
      expect(result.tokensScored).toBe(direct.tokens);
      expect(result.perplexity).toBeCloseTo(direct.perplexity, 9);
    } finally {
      await t.close();
    }
  }, 120_000);
});

describe.skipIf(!HAS_TEST_MODEL)("masque eval perplexity killed with SIGKILL", () => {
  it("leaves a run the next process marks interrupted, never complete", async () => {
    const temp = makeTempDir("masque-eval-kill-");
    try {
      const file = join(temp.dir, "many.jsonl");
      writeFileSync(file, manyStorySessionsJsonl(400));
      const dataDir = join(temp.dir, "data");
      expect((await runMasque(["--data-dir", dataDir, "import", file])).code).toBe(0);
      expect((await runMasque(["--data-dir", dataDir, "settings", "set", "threads", "1"])).code).toBe(0);
      const child = spawn(
        process.execPath,
        [
          join(PROJECT_ROOT, "bin", "masque.js"),
          "--data-dir",
          dataDir,
          "eval",
          "perplexity",
          "--model",
          TEST_MODEL_PATH,
          "--character",
          "1",
        ],
        { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once("exit", (_code, signal) => resolve(signal)),
      );
      // Killed as soon as it reports scoring progress (the first line comes at once, later ones once a second).
      await new Promise<void>((resolve, reject) => {
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          if (/scoring \d+\/\d+/.test(stderr)) resolve();
        });
        child.once("exit", () => reject(new Error(`the CLI ended before scoring:\n${stderr}`)));
      });
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      const list = await runMasque(["--data-dir", dataDir, "eval", "runs", "--json"]);
      expect(list.code, list.stderr).toBe(0);
      const [run] = JSON.parse(list.stdout) as { status: string; figures: unknown }[];
      expect(run?.status).toBe("interrupted");
      expect(run?.figures).toBeNull();
    } finally {
      temp.cleanup();
    }
  }, 180_000);
});

describe("a run whose process died", () => {
  it("is marked interrupted by the next core, never shown as complete", async () => {
    const temp = makeTempDir("masque-eval-dead-");
    try {
      const first = await openTestCore(temp.dir, {
        engine: new FakeEngine({ scoreDelayMs: 60_000 }),
      });
      const ids = await importStories(first);
      const { runId } = await first.call("eval.perplexity", { model: TEST_MODEL_PATH, characterIds: ids });
      // Pretend the run belongs to a process that is gone (the same rule as a kill -9 of the CLI).
      const database = openDatabase(temp.dir);
      database.db.prepare("UPDATE eval_runs SET owner_pid = ? WHERE id = ?").run(2 ** 22 + 12_345, runId);
      database.close();
      const second = await openTestCore(temp.dir, { engine: new FakeEngine() });
      const run = (await second.call("eval.runs", {})).find((r) => r.id === runId);
      expect(run?.status).toBe("interrupted");
      expect(run?.figures).toBeNull();
      expect((await second.fail("eval.compare", { runIds: [runId, runId] })).code).toBe("INVALID_INPUT");
      await second.close();
      await first.close();
      const after = openDatabase(temp.dir);
      expect(new EvalRunRepository(after).get(runId).status).not.toBe("done");
      after.close();
    } finally {
      temp.cleanup();
    }
  });
});

describe.skipIf(!HAS_TEST_MODEL)("masque eval perplexity --model ID", () => {
  it("takes a model of the library by its id, and names an unknown id", async () => {
    const temp = makeTempDir("masque-eval-model-id-");
    try {
      const dataDir = join(temp.dir, "data");
      const text = join(temp.dir, "story.txt");
      writeFileSync(text, "Once upon a time there was a little girl named Lily. She liked to play outside.");
      const added = await runMasque(["--data-dir", dataDir, "models", "add", TEST_MODEL_PATH, "--json"]);
      expect(added.code, added.stderr).toBe(0);
      const id = String(listId(added.stdout));
      const run = await runMasque([
        "--data-dir",
        dataDir,
        "eval",
        "perplexity",
        "--model",
        id,
        "--text-file",
        text,
        "--json",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as { model: { fileName: string } }).model.fileName).toBe(
        "stories260K.gguf",
      );
      const unknown = await runMasque([
        "--data-dir",
        dataDir,
        "eval",
        "perplexity",
        "--model",
        "999",
        "--text-file",
        text,
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^NOT_FOUND: model 999 is not in the model library/);
    } finally {
      temp.cleanup();
    }
  });
});

/** `models add --json` prints the model (or, for a folder, a list): the first one's id. */
function listId(stdout: string): number {
  const value = JSON.parse(stdout) as { id: number } | { id: number }[];
  const first = Array.isArray(value) ? value[0] : value;
  if (!first) throw new Error(`models add printed no model: ${stdout}`);
  return first.id;
}

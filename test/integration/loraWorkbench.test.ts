/**
 * LoRA adapters in the model workbench, with the real model and a rank-4 adapter written at test
 * time: a perplexity run "base + adapter at scale 0" gives the base run's figures and scale 1 does
 * not; each run records the adapter's file name, SHA-256 and scale; `--lora-scales 0,0.5,1` makes
 * three comparable runs and prints their comparison; an A/B contestant with the adapter answers
 * differently from the base model, and one at scale 0 like it.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreInternals } from "../../electron/services/core";
import { openDatabase } from "../../electron/storage/database";
import { EvalRunRepository } from "../../electron/storage/evalRunRepository";
import type { PerplexityResult, RunComparison } from "../../shared/domain/eval";
import { storySessionsJsonl } from "../fixtures/eval/storySessions";
import { runMasque } from "../helpers/cli";
import { openTestCore, type TestCore } from "../helpers/core";
import { writeLoraAdapter } from "../helpers/loraAdapter";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const TEXT =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
  "One day, she saw a big red ball under a tree. She ran to get it and smiled at her mom. " +
  'Her mom said, "Lily, that ball is not ours." Lily was sad, but she gave the ball back.';

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe.skipIf(!HAS_TEST_MODEL)("LoRA adapters in the workbench", () => {
  const temp = makeTempDir("masque-lorawb-");
  let t: TestCore;
  let adapter: string;
  let textFile: string;

  beforeAll(async () => {
    adapter = await writeLoraAdapter(TEST_MODEL_PATH, temp.dir, { seed: 7, fileName: "lily-lora.gguf" });
    textFile = join(temp.dir, "lily.txt");
    writeFileSync(textFile, TEXT);
    t = await openTestCore(join(temp.dir, "data"));
    await t.call("settings.update", { threads: 1, contextSize: 256 });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    temp.cleanup();
  });

  async function perplexity(lora?: { path: string; scale: number }[]): Promise<PerplexityResult> {
    const { runId } = await t.call("eval.perplexity", {
      model: TEST_MODEL_PATH,
      textFile,
      ...(lora ? { lora } : {}),
    });
    await (t.core as CoreInternals).evals.settled(runId);
    const run = await t.call("eval.run", { runId });
    if (!run.perplexity) throw new Error(`run ${runId} ended ${run.status}: ${run.error}`);
    return run.perplexity;
  }

  it("scale 0 gives the base run's figures, scale 1 others; each run records its adapters", async () => {
    const base = await perplexity();
    const zero = await perplexity([{ path: adapter, scale: 0 }]);
    const one = await perplexity([{ path: adapter, scale: 1 }]);

    expect(base.model.lora).toBeUndefined();
    expect(zero.model.lora).toEqual([
      { path: adapter, fileName: "lily-lora.gguf", sha256: sha256(adapter), scale: 0 },
    ]);
    expect(one.model.lora?.[0]).toMatchObject({ fileName: "lily-lora.gguf", scale: 1 });
    expect(one.model.sha256).toBe(base.model.sha256);

    expect(zero.tokensScored).toBe(base.tokensScored);
    expect(Math.abs(zero.nll - base.nll)).toBeLessThan(1e-6);
    const [b, z] = [base.perSession[0], zero.perSession[0]];
    expect(Math.abs((z?.nllSum ?? Number.NaN) - (b?.nllSum ?? Number.NaN)) / base.tokensScored).toBeLessThan(
      1e-6,
    );
    expect(Math.abs(one.nll - base.nll)).toBeGreaterThan(1e-3);

    // Same token inputs: the three runs are contestants on one selection.
    const comparison = await t.call("eval.compare", { runIds: [base.runId, zero.runId, one.runId] });
    expect(comparison.candidates.map((c) => c.model.lora?.[0]?.scale)).toEqual([0, 1]);
    expect(Math.abs(comparison.candidates[0]?.difference ?? Number.NaN)).toBeLessThan(1e-6);
    expect(comparison.candidates[1]?.difference).toBeCloseTo(one.nll - base.nll, 9);

    const card = await t.call("eval.export", { runId: one.runId, format: "markdown" });
    expect(Buffer.from(card.dataBase64, "base64").toString("utf8")).toContain(
      `- LoRA adapter lily-lora.gguf at scale 1, SHA-256: \`${sha256(adapter)}\``,
    );

    const labels = (await t.call("eval.runs", { kind: "perplexity" })).map((r) => r.label);
    expect(labels).toContain(`stories260K.gguf + lily-lora.gguf×1 · text lily.txt`);
  }, 120_000);

  it("refuses a file that is not an adapter, naming it, before any run is stored", async () => {
    const before = (await t.call("eval.runs", {})).length;
    await expect(
      t.call("eval.perplexity", { model: TEST_MODEL_PATH, textFile, lora: [{ path: textFile, scale: 1 }] }),
    ).rejects.toMatchObject({ code: "MODEL_INVALID", message: expect.stringContaining("lily.txt") });
    const mistral = await writeLoraAdapter(TEST_MODEL_PATH, temp.dir, {
      architecture: "mistral",
      fileName: "mistral-lora.gguf",
    });
    await expect(
      t.call("eval.abNew", {
        contestants: [
          { model: TEST_MODEL_PATH },
          { model: TEST_MODEL_PATH, lora: [{ path: mistral, scale: 1 }] },
        ],
        chatIds: [1],
      }),
    ).rejects.toMatchObject({
      code: "MODEL_INVALID",
      message: expect.stringContaining(
        "the adapter is for mistral models; stories260K.gguf is a llama model",
      ),
    });
    expect((await t.call("eval.runs", {})).length).toBe(before);
  });

  it("an A/B contestant with the adapter answers differently; at scale 0 like the base model", async () => {
    const path = join(t.dir, "stories.jsonl");
    writeFileSync(path, storySessionsJsonl());
    const internals = t.core as unknown as { imports: { settled(id: string): Promise<void> } };
    const { importId } = await t.call("import.start", { source: { path } });
    await internals.imports.settled(importId);
    const done = t.eventsOf("import.done").find((e) => e.importId === importId);
    if (!done) throw new Error("import failed");

    const { runId } = await t.call("eval.abNew", {
      contestants: [
        { model: TEST_MODEL_PATH },
        { model: TEST_MODEL_PATH, lora: [{ path: adapter, scale: 0 }] },
        { model: TEST_MODEL_PATH, lora: [{ path: adapter, scale: 1 }] },
      ],
      characterIds: done.report.characterIds,
      items: 4,
      seed: 9,
      maxTokens: 24,
    });
    await (t.core as CoreInternals).evals.settled(runId);
    const report = await t.call("eval.abReport", { runId });
    expect(report.status).toBe("done");
    expect(report.contestants.map((c) => c.label)).toEqual([
      "stories260K.gguf · auto · current sampler",
      "stories260K.gguf + lily-lora.gguf×0 · auto · current sampler",
      "stories260K.gguf + lily-lora.gguf×1 · auto · current sampler",
    ]);

    const database = openDatabase(t.dir);
    try {
      const replies = new EvalRunRepository(database).abReplies(runId);
      const textOf = (contestant: string) =>
        replies
          .filter((r) => r.contestant === contestant)
          .sort((a, b) => a.promptIndex - b.promptIndex)
          .map((r) => r.text);
      const [base, zero, one] = [textOf("c1"), textOf("c2"), textOf("c3")];
      expect(base).toHaveLength(4);
      expect(zero).toEqual(base);
      expect(one).toHaveLength(4);
      expect(one.filter((text, i) => text !== base[i]).length).toBeGreaterThan(0);
    } finally {
      database.close();
    }
  }, 180_000);

  it("the CLI: --lora-scales 0,0.5,1 prints three runs and their comparison", async () => {
    const dir = join(temp.dir, "cli");
    const masque = (...args: string[]) => runMasque(["--data-dir", dir, ...args]);
    expect((await masque("settings", "set", "threads", "1")).code).toBe(0);
    const common = [
      "eval",
      "perplexity",
      "--model",
      TEST_MODEL_PATH,
      "--text-file",
      textFile,
      "--context",
      "256",
    ];

    const alone = await masque(...common, "--lora-scales", "0,1");
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain("--lora-scales needs exactly one --lora FILE");
    const badScale = await masque(...common, "--lora", adapter, "--lora-scales", "0,half");
    expect(badScale.code).toBe(1);
    expect(badScale.stderr).toContain('--lora-scales: "half" is not a scale');
    const badContestant = await masque(
      "eval",
      "ab",
      "new",
      "--contestant",
      TEST_MODEL_PATH,
      "--contestant",
      `${TEST_MODEL_PATH},lora=`,
      "--character",
      "1",
    );
    expect(badContestant.code).toBe(1);
    expect(badContestant.stderr).toContain('"lora=" must be template=ID, preset=NAME or lora=FILE:SCALE');

    const swept = await masque(...common, "--lora", adapter, "--lora-scales", "0,0.5,1", "--json");
    expect(swept.code, swept.stderr).toBe(0);
    const out = JSON.parse(swept.stdout) as RunComparison & {
      runs: {
        runId: number;
        scale: number;
        nll: number;
        model: { lora: { sha256: string; scale: number }[] };
      }[];
    };
    expect(out.runs.map((r) => r.scale)).toEqual([0, 0.5, 1]);
    expect(out.runs.map((r) => r.model.lora[0]?.scale)).toEqual([0, 0.5, 1]);
    expect(out.runs.every((r) => r.model.lora[0]?.sha256 === sha256(adapter))).toBe(true);
    expect(out.baseline.runId).toBe(out.runs[0]?.runId);
    expect(out.candidates.map((c) => c.runId)).toEqual([out.runs[1]?.runId, out.runs[2]?.runId]);
    expect(out.candidates[1]?.difference).toBeCloseTo((out.runs[2]?.nll ?? 0) - (out.runs[0]?.nll ?? 0), 9);
    expect(new Set(out.runs.map((r) => r.nll.toFixed(6))).size).toBe(3);

    const text = await masque(...common, "--lora", `${adapter}:0.5`);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("stories260K.gguf + lily-lora.gguf×0.5");
    const scaleHalf = out.runs[1]?.nll.toFixed(4) ?? "?";
    expect(text.stdout).toContain(`${scaleHalf} nats/token`);
  }, 180_000);
});

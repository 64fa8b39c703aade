/**
 * Blind A/B with the real model: replies generated per contestant, slots balanced, the `next`
 * output blind (no label, model or preset anywhere), votes kept, the report's statistics equal to
 * values computed by hand from the votes, and a run that survives a restart — a new core on the
 * same data dir continues the voting, and an interrupted generation is resumed.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreInternals } from "../../electron/services/core";
import { openDatabase } from "../../electron/storage/database";
import type { AbNext, AbReport, AbVote } from "../../shared/domain/eval";
import { Z_95 } from "../../shared/stats/wilson";
import { FakeEngine } from "../fakes/fakeEngine";
import { storySessionsJsonl } from "../fixtures/eval/storySessions";
import { runMasque } from "../helpers/cli";
import { openTestCore, type TestCore } from "../helpers/core";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { writeNoisyCopy } from "../helpers/noisyModel";
import { makeTempDir } from "../helpers/tempDir";

async function importStories(t: TestCore): Promise<number[]> {
  const path = join(t.dir, "stories.jsonl");
  writeFileSync(path, storySessionsJsonl());
  const internals = t.core as unknown as { imports: { settled(id: string): Promise<void> } };
  const { importId } = await t.call("import.start", { source: { path } });
  await internals.imports.settled(importId);
  const done = t.eventsOf("import.done").find((e) => e.importId === importId);
  if (!done) throw new Error("import failed");
  return done.report.characterIds;
}

const voteFor = (item: number): AbVote => (["a", "b", "tie", "bad"] as const)[item % 4] as AbVote;

/** Wins, losses, ties and the Wilson interval, computed here from the items and votes alone. */
function handCount(report: AbReport, id: string) {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const item of report.items) {
    const side = item.slots.a === id ? "a" : item.slots.b === id ? "b" : null;
    if (!side || !item.vote) continue;
    if (item.vote === side) wins++;
    else if (item.vote === "a" || item.vote === "b") losses++;
    else ties++;
  }
  const n = wins + losses + ties;
  const p = (wins + ties / 2) / n;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { wins, losses, ties, winRate: p, wilson: [centre - half, centre + half] };
}

describe.skipIf(!HAS_TEST_MODEL)("blind A/B with the real model", () => {
  let temp: ReturnType<typeof makeTempDir>;
  let t: TestCore;
  let noisyPath: string;
  let characterIds: number[];

  beforeAll(async () => {
    temp = makeTempDir("masque-ab-");
    noisyPath = await writeNoisyCopy(TEST_MODEL_PATH, temp.dir, { scale: 0.5, seed: 17 });
    t = await openTestCore(join(temp.dir, "data"));
    await t.call("settings.update", { threads: 1, contextSize: 512 });
    await t.call("presets.save", { name: "PresetFrost", values: { temperature: 0.3 } });
    await t.call("presets.save", { name: "PresetBlaze", values: { temperature: 1.3 } });
    characterIds = await importStories(t);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    temp?.cleanup();
  });

  it("balances slots, stays blind, keeps every vote and reports the hand-computed figures", async () => {
    const { runId, items } = await t.call("eval.abNew", {
      contestants: [
        { model: TEST_MODEL_PATH, preset: "PresetFrost" },
        { model: TEST_MODEL_PATH, preset: "PresetBlaze" },
        { model: noisyPath, preset: "PresetFrost" },
      ],
      characterIds,
      items: 5,
      seed: 11,
      maxTokens: 24,
    });
    expect(items).toBe(15);
    await (t.core as CoreInternals).evals.settled(runId);
    const generating = t.eventsOf("eval.progress").filter((p) => p.runId === runId);
    expect(generating.at(-1)).toMatchObject({ phase: "generating", done: 15, total: 15 });
    // One load per contestant's model, in order: the two contestants on the same file share it.
    const loads = t.eventsOf("model.status").filter((s) => s.state === "loading" && s.phase === "loading");
    expect(loads.map((s) => s.path)).toEqual([TEST_MODEL_PATH, noisyPath]);

    const before = await t.call("eval.abReport", { runId });
    for (const c of before.contestants) {
      const mine = before.items.filter((i) => i.slots.a === c.id || i.slots.b === c.id);
      const inA = mine.filter((i) => i.slots.a === c.id).length;
      expect(mine).toHaveLength(10);
      expect(Math.abs(inA - mine.length / 2)).toBeLessThanOrEqual(1);
    }

    const secrets = [
      "stories260K",
      "noisy",
      "PresetFrost",
      "PresetBlaze",
      ...before.contestants.map((c) => c.label),
      ...before.contestants.map((c) => c.id),
    ];
    const seen = new Set<number>();
    for (;;) {
      // The first two through the command line, the rest through the service.
      let next: AbNext;
      if (seen.size < 2) {
        const cli = await runMasque(["--data-dir", t.dir, "eval", "ab", "next", String(runId), "--json"]);
        expect(cli.code, cli.stderr).toBe(0);
        next = JSON.parse(cli.stdout) as AbNext;
        for (const secret of secrets) expect(cli.stdout).not.toContain(secret);
      } else next = await t.call("eval.abNext", { runId });
      if ("done" in next) break;
      const json = JSON.stringify(next);
      for (const secret of secrets) expect(json).not.toContain(secret);
      expect(next.replies.map((r) => r.slot)).toEqual(["a", "b"]);
      expect(next.prompt.history.at(-1)?.role).toBe("user");
      expect(seen.has(next.item)).toBe(false);
      seen.add(next.item);
      if (seen.size <= 2) {
        const cli = await runMasque([
          "--data-dir",
          t.dir,
          "eval",
          "ab",
          "vote",
          String(runId),
          String(next.item),
          voteFor(next.item),
        ]);
        expect(cli.code, cli.stderr).toBe(0);
      } else await t.call("eval.abVote", { runId, item: next.item, vote: voteFor(next.item) });
    }
    expect(seen.size).toBe(15);

    const report = await t.call("eval.abReport", { runId });
    expect(report.items.map((i) => i.vote)).toEqual(report.items.map((i) => voteFor(i.item)));
    for (const c of report.contestants) {
      const hand = handCount(report, c.id);
      expect(c.wins).toBe(hand.wins);
      expect(c.losses).toBe(hand.losses);
      expect(c.ties).toBe(hand.ties);
      expect(c.bothBad).toBe(
        report.items.filter((i) => i.vote === "bad" && (i.slots.a === c.id || i.slots.b === c.id)).length,
      );
      expect(c.winRate).toBeCloseTo(hand.winRate, 12);
      expect(c.wilson[0]).toBeCloseTo(hand.wilson[0] as number, 9);
      expect(c.wilson[1]).toBeCloseTo(hand.wilson[1] as number, 9);
      expect(c.ratingInterval[0]).toBeLessThanOrEqual(c.rating + 1e-9);
      expect(c.ratingInterval[1]).toBeGreaterThanOrEqual(c.rating - 1e-9);
      expect(c.meanReplyTokens).toBeGreaterThan(0);
    }
    // Ratings average 1000 and order the contestants like their win rates.
    const ratings = report.contestants.map((c) => c.rating);
    expect(ratings.reduce((s, r) => s + r, 0) / ratings.length).toBeCloseTo(1000, 6);
    const byRating = [...report.contestants].sort((x, y) => y.rating - x.rating).map((c) => c.id);
    const byRate = [...report.contestants].sort((x, y) => y.winRate - x.winRate).map((c) => c.id);
    expect(byRating).toEqual(byRate);

    // A vote for an item that does not exist names it.
    const error = await t.fail("eval.abVote", { runId, item: 999, vote: "a" });
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain("999");

    // Reply statistics of the run, beside the PIPPA bot turns of the same characters.
    const stats = await t.call("eval.stats", { abRunId: runId });
    expect(stats.sets).toHaveLength(3);
    expect(stats.sets.every((s) => s.replies === 5)).toBe(true);
    expect(stats.reference?.replies).toBe(16);
  }, 300_000);

  it("survives a restart: a new core on the same data dir continues the voting; two-way ratings match the closed form", async () => {
    const { runId } = await t.call("eval.abNew", {
      contestants: [
        { model: TEST_MODEL_PATH, preset: "PresetFrost" },
        { model: noisyPath, preset: "PresetFrost" },
      ],
      characterIds,
      items: 6,
      seed: 5,
      maxTokens: 16,
    });
    await (t.core as CoreInternals).evals.settled(runId);
    const voted: number[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await t.call("eval.abNext", { runId });
      if ("done" in next) throw new Error("ran out of items");
      await t.call("eval.abVote", { runId, item: next.item, vote: voteFor(next.item) });
      voted.push(next.item);
    }
    const dir = t.dir;
    await t.close();
    t = await openTestCore(dir);
    for (;;) {
      const next = await t.call("eval.abNext", { runId });
      if ("done" in next) break;
      expect(voted).not.toContain(next.item);
      await t.call("eval.abVote", { runId, item: next.item, vote: voteFor(next.item) });
      voted.push(next.item);
    }
    expect(voted.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    const report = await t.call("eval.abReport", { runId });
    const [one, two] = report.contestants;
    if (!one || !two) throw new Error("two contestants expected");
    // Two players with one pseudo-tie: P(one beats two) = (W1 + T/2 + ½) / (n + 1).
    const strengthOne = one.wins + one.ties / 2 + 0.5;
    const strengthTwo = two.wins + two.ties / 2 + 0.5;
    const gap = 400 * Math.log10(strengthOne / strengthTwo);
    expect(one.rating).toBeCloseTo(1000 + gap / 2, 4);
    expect(two.rating).toBeCloseTo(1000 - gap / 2, 4);
    // Exports: a CSV row per item with its vote, a Markdown table naming the contestants.
    const decode = (file: { dataBase64: string }) => Buffer.from(file.dataBase64, "base64").toString("utf8");
    const csv = decode(await t.call("eval.export", { runId, format: "csv" }))
      .trim()
      .split("\n");
    expect(csv).toHaveLength(7);
    expect(csv.slice(1).map((row) => row.split(",")[3])).toEqual(report.items.map((i) => i.vote));
    const markdown = decode(await t.call("eval.export", { runId, format: "markdown" }));
    expect(markdown).toContain("6 of 6 comparisons voted");
    expect(markdown).toContain(one.label);
    expect(markdown).toContain(two.label);
  }, 300_000);
});

describe("an A/B generation cut short", () => {
  it("is resumed by the next core's abNext and nothing is generated twice", async () => {
    const temp = makeTempDir("masque-ab-resume-");
    try {
      const stuck = new FakeEngine({ replies: [["A reply."]] });
      stuck.pause();
      const first = await openTestCore(temp.dir, { engine: stuck });
      await first.call("settings.update", { threads: 1 });
      const ids = await importStories(first);
      const { runId, items } = await first.call("eval.abNew", {
        contestants: [{ model: TEST_MODEL_PATH }, { model: TEST_MODEL_PATH, templateId: "chatml" }],
        characterIds: ids,
        items: 3,
        seed: 1,
      });
      expect(items).toBe(3);
      // Let one reply through, then the process "dies" (its pid is gone).
      stuck.step(1);
      await stuck.piecesEmitted(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const database = openDatabase(temp.dir);
      database.db.prepare("UPDATE eval_runs SET owner_pid = ? WHERE id = ?").run(2 ** 22 + 12_345, runId);
      const storedBefore = (
        database.db.prepare("SELECT count(*) AS n FROM eval_ab_replies WHERE run_id = ?").get(runId) as {
          n: number;
        }
      ).n;
      database.close();
      expect(storedBefore).toBe(1);

      const fresh = new FakeEngine({ replies: [["Another reply."]] });
      const second = await openTestCore(temp.dir, { engine: fresh });
      expect((await second.call("eval.runs", {})).find((r) => r.id === runId)?.status).toBe("interrupted");
      const next = await second.call("eval.abNext", { runId });
      expect("done" in next).toBe(false);
      expect(fresh.requests).toHaveLength(5);
      expect((await second.call("eval.runs", {})).find((r) => r.id === runId)?.status).toBe("done");
      await second.close();
      await first.close();
    } finally {
      temp.cleanup();
    }
  });
});

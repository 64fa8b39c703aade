import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CharacterRepository } from "../../electron/storage/characterRepository";
import { openDatabase } from "../../electron/storage/database";
import { ReferenceSessionRepository } from "../../electron/storage/referenceSessionRepository";
import { writePippaFile } from "../../scripts/generatePippa";
import { EXPECTED, quirkFile } from "../fixtures/pippa/quirks";
import { runMasque } from "../helpers/cli";
import { PROJECT_ROOT } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-import-cli-");
afterAll(() => temp.cleanup());

describe("masque import (PIPPA)", () => {
  const dataDir = join(temp.dir, "data");
  const quirks = join(temp.dir, "quirks.jsonl");
  beforeAll(() => writeFileSync(quirks, quirkFile()));

  it("prints the documented JSON report", async () => {
    const result = await runMasque(["--data-dir", dataDir, "import", quirks, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual([
      "format",
      "characters",
      "sessions",
      "refused",
      "refusedCount",
      "elapsedMs",
    ]);
    expect(report).toMatchObject({
      format: "pippa",
      characters: { created: EXPECTED.characters, updated: 0 },
      sessions: { added: EXPECTED.sessionsAdded, skipped: EXPECTED.sessionsSkipped },
      refusedCount: EXPECTED.refusedLines.length,
    });
    expect(report.refused[0]).toEqual({ line: 9, reason: expect.stringMatching(/^not valid JSON/) });
    expect(result.stderr).toMatch(/importing: 100%/);
  });

  it("lists and filters characters, shows PIPPA fields, lists reference sessions", async () => {
    const all = JSON.parse((await runMasque(["--data-dir", dataDir, "characters", "list", "--json"])).stdout);
    expect(all).toHaveLength(EXPECTED.characters);
    const games = JSON.parse(
      (await runMasque(["--data-dir", dataDir, "characters", "list", "--tag", "games", "--json"])).stdout,
    );
    expect(games.map((c: { name: string }) => c.name).sort()).toEqual([
      "Ayaka",
      "Dungeon Master",
      "Winter RPG",
    ]);
    const found = JSON.parse(
      (await runMasque(["--data-dir", dataDir, "characters", "list", "--search", "winte", "--json"])).stdout,
    );
    expect(found.map((c: { name: string }) => c.name)).toEqual(["Winter RPG"]);
    const shown = JSON.parse(
      (await runMasque(["--data-dir", dataDir, "characters", "show", String(found[0].id), "--json"])).stdout,
    );
    for (const key of ["tags", "mes_example", "first_mes", "alternate_greetings", "extensions"])
      expect(shown.data).toHaveProperty(key);
    expect(shown.data.extensions.pippa.bot_id).toHaveLength(43);
    const sessions = JSON.parse(
      (await runMasque(["--data-dir", dataDir, "sessions", "list", String(found[0].id), "--json"])).stdout,
    );
    expect(sessions).toHaveLength(3);
    expect(sessions[0]).toMatchObject({ messageCount: 3, submittedAt: 1_674_795_100_921 });
  });

  it("adds nothing on a second import of the same file", async () => {
    const again = JSON.parse((await runMasque(["--data-dir", dataDir, "import", quirks, "--json"])).stdout);
    expect(again.characters).toEqual({ created: 0, updated: 0 });
    expect(again.sessions.added).toBe(0);
  });

  it("refuses a file that is neither PIPPA nor a card, and a missing file", async () => {
    const junk = join(temp.dir, "junk.txt");
    writeFileSync(junk, "hello world");
    const bad = await runMasque(["--data-dir", dataDir, "import", junk]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^IMPORT_FAILED: junk\.txt: not a PIPPA JSONL file nor a character card/);
    const missing = await runMasque(["--data-dir", dataDir, "import", join(temp.dir, "nope.jsonl")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^NOT_FOUND: no such file/);
  });
});

describe("an import killed mid-way", () => {
  it("leaves a consistent library, and a re-run completes the import", async () => {
    const file = join(temp.dir, "big.jsonl");
    const stats = await writePippaFile(file, { lines: 3000, bots: 200, seed: 7 });
    const dataDir = join(temp.dir, "killed");
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, "bin", "masque.js"), "--data-dir", dataDir, "import", file],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    // Kill it hard as soon as it reports progress past the first batch.
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (d: Buffer) => {
        const percent = Number(/importing: (\d+)%/.exec(d.toString())?.[1] ?? -1);
        if (percent >= 0 && percent < 100) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", () => resolve());
    });
    await new Promise((r) => child.once("exit", r).once("close", r));

    const database = openDatabase(dataDir);
    const integrity = database.db.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    expect(integrity.integrity_check).toBe("ok");
    const sessionsBefore = (
      database.db.prepare("SELECT count(*) AS n FROM reference_sessions").get() as { n: number }
    ).n;
    expect(sessionsBefore).toBeLessThan(stats.lines);
    // Every stored session belongs to a whole character, and every character has a name and its PIPPA data.
    const characters = new CharacterRepository(database);
    const sessions = new ReferenceSessionRepository(database);
    for (const c of characters.list()) {
      const pippa = characters.get(c.id).data.extensions.pippa as { conversation_count: number };
      expect(pippa.conversation_count).toBe(sessions.list(c.id).length);
    }
    database.close();

    const rerun = JSON.parse((await runMasque(["--data-dir", dataDir, "import", file, "--json"])).stdout);
    expect(rerun.sessions.added + sessionsBefore).toBe(stats.lines);
    expect(rerun.sessions.skipped).toBe(sessionsBefore);
    const chars = JSON.parse(
      (await runMasque(["--data-dir", dataDir, "characters", "list", "--json"])).stdout,
    );
    expect(chars).toHaveLength(200);
  }, 120_000);
});

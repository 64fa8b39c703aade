import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importPippaFile } from "../../electron/services/import/pippaImporter";
import { CharacterRepository } from "../../electron/storage/characterRepository";
import { type Database, openDatabase } from "../../electron/storage/database";
import { ReferenceSessionRepository } from "../../electron/storage/referenceSessionRepository";
import { emptyCardData } from "../../shared/domain/card";
import { BOT_IDS, EXPECTED, quirkFile } from "../fixtures/pippa/quirks";
import { makeTempDir } from "../helpers/tempDir";

let temp: ReturnType<typeof makeTempDir>;
let database: Database;
let characters: CharacterRepository;
let sessions: ReferenceSessionRepository;

beforeEach(() => {
  temp = makeTempDir("masque-pippa-");
  database = openDatabase(temp.dir);
  characters = new CharacterRepository(database);
  sessions = new ReferenceSessionRepository(database);
});
afterEach(() => {
  database.close();
  temp.cleanup();
});

function importFile(path: string, options: { signal?: AbortSignal; batchBytes?: number } = {}) {
  const progress: number[] = [];
  return importPippaFile({
    path,
    fileName: "quirks.jsonl",
    database,
    characters,
    sessions,
    signal: options.signal ?? new AbortController().signal,
    onProgress: (p) => progress.push(p.bytesDone),
    ...(options.batchBytes === undefined ? {} : { batchBytes: options.batchBytes }),
  }).then((report) => ({ report, progress }));
}

function writeQuirks(): string {
  const path = join(temp.dir, "quirks.jsonl");
  writeFileSync(path, quirkFile());
  return path;
}

const byBot = (botId: string) => {
  const id = characters.findIdBySourceKey(`pippa:${botId}`);
  if (id === null) throw new Error(`no character for ${botId}`);
  return characters.get(id);
};

describe("PIPPA import", () => {
  it("imports every valid line and refuses each broken one with its line number", async () => {
    const { report } = await importFile(writeQuirks());
    expect(report.characters).toEqual({ created: EXPECTED.characters, updated: 0 });
    expect(report.sessions).toEqual({ added: EXPECTED.sessionsAdded, skipped: EXPECTED.sessionsSkipped });
    expect(report.refused.map((r) => r.line)).toEqual(EXPECTED.refusedLines);
    expect(report.refusedCount).toBe(EXPECTED.refusedLines.length);
    const reasons = Object.fromEntries(report.refused.map((r) => [r.line, r.reason]));
    expect(reasons[9]).toMatch(/^not valid JSON/);
    expect(reasons[10]).toMatch(/^missing keys submission_timestamp, categories/);
    expect(reasons[11]).toBe("categories must be a list of strings or null");
    expect(reasons[12]).toBe("conversation[1].is_human must be true or false");
    expect(reasons[13]).toBe("conversation is empty");
    expect(reasons[14]).toBe("not a JSON object");
    expect(reasons[16]).toBe("submission_timestamp must be a number of milliseconds");
  });

  it("makes one character per bot_id, never per name", async () => {
    await importFile(writeQuirks());
    expect(characters.list({ search: "2B" }).map((c) => c.name)).toEqual(["2B", "2B"]);
    expect(byBot(BOT_IDS.B).data.name).toBe("2B");
    expect(byBot(BOT_IDS.C).data.tags).toEqual(["Anime"]);
  });

  it("builds the card from the canonical record and merges the rest", async () => {
    await importFile(writeQuirks());
    const a = byBot(BOT_IDS.A);
    // The record with definitions wins over the later one with a longer description.
    expect(a.data.description).toBe("A survival game in the snow.\n\nThis RPG tracks your inventory.");
    expect(a.data.mes_example).toBe(
      "<START>\n{{char}}: Welcome to *Decaying Winter*.\n{{user}}: What is in my inventory?\n{{char}}: A torch.\n" +
        "<START>\n{{char}}: The wind howls.\n{{user}}: I hide.",
    );
    expect(a.data.first_mes).toBe("Welcome to *Decaying Winter*.");
    expect(a.data.alternate_greetings).toEqual(["The blizzard returns."]);
    expect(a.data.tags).toEqual(["Fantasy", "Games", "Image Generating"]);
    expect(a.data.creator_notes).toContain("PIPPA");
    const pippa = a.data.extensions.pippa as Record<string, unknown>;
    expect(pippa.bot_id).toBe(BOT_IDS.A);
    expect(pippa.bot_definitions_raw).toContain("END_OF_DIALOG");
    expect(pippa.first_submission_timestamp).toBe(1_674_795_100_921);
    expect(pippa.last_submission_timestamp).toBe(1_684_000_000_000);
    expect(pippa.conversation_count).toBe(3);
    expect(a.source).toBe("pippa");
  });

  it("tolerates nulls, empty greetings and padded names", async () => {
    await importFile(writeQuirks());
    const b = byBot(BOT_IDS.B);
    expect(b.data).toMatchObject({
      name: "2B",
      description: "",
      mes_example: "",
      first_mes: "Glory to mankind.",
      tags: [],
    });
  });

  it("normalises placeholders and line endings in cards and sessions", async () => {
    await importFile(writeQuirks());
    const d = byBot(BOT_IDS.D);
    expect(d.data.first_mes).toBe("Hello {{user}}!\nI am Ayaka.\nNice to meet you.");
    expect(d.data.description).toBe("Ayaka greets {{user}} politely. {{char}} is calm.");
    expect(d.data.mes_example).toBe("<START>\n{{char}}: Hello {{user}}.\n{{user}}: Hi {{user}}.");
    const [session] = sessions.list(d.id);
    const full = sessions.get(session?.id ?? 0);
    expect(full.messages[1]?.text).toBe("こんにちは、{{user}}です\\n");
    expect(full.messages[2]?.text).toBe("Ayaka: *bows* \u201cWelcome.\u201d");
    expect(JSON.stringify(full.messages)).not.toContain("\r");
  });

  it("keeps sessions in order, drops empty messages, keeps very long ones whole", async () => {
    await importFile(writeQuirks());
    const a = byBot(BOT_IDS.A);
    const list = sessions.list(a.id);
    expect(list.map((s) => s.submittedAt)).toEqual([1_674_795_100_921, 1_674_795_200_000, 1_684_000_000_000]);
    const last = sessions.get(list[2]?.id ?? 0);
    expect(last.messages.map((m) => m.text)).toEqual([
      "The blizzard returns.",
      "I wait.",
      "Winter RPG: You wait.",
      "More snow.",
    ]);
    const e = sessions.list(byBot(BOT_IDS.E).id);
    expect(e[0]?.messageCount).toBe(3001);
    expect(sessions.get(e[0]?.id ?? 0).messages[3000]?.text).toBe("Reply 3000 🎲 “quoted” …");
  });

  it("adds nothing when the same file is imported again", async () => {
    const path = writeQuirks();
    await importFile(path);
    const before = characters.list().map((c) => [c.id, c.updatedAt]);
    const { report } = await importFile(path);
    expect(report.characters).toEqual({ created: 0, updated: 0 });
    expect(report.sessions).toEqual({ added: 0, skipped: EXPECTED.sessionsAdded + EXPECTED.sessionsSkipped });
    expect(characters.list().map((c) => [c.id, c.updatedAt])).toEqual(before);
  });

  it("adds nothing new when a deduplicated subset is imported after the full file", async () => {
    const full = writeQuirks();
    await importFile(full);
    // A "deduped" file: the same valid sessions without the duplicate and broken lines, LF endings, no BOM.
    const lines = quirkFile(false)
      .toString("utf8")
      .split(/\r\n|\r|\n/);
    const deduped = [
      ...new Set(lines.filter((line) => line.startsWith("{") && line.includes('"conversation"'))),
    ];
    const path = join(temp.dir, "deduped.jsonl");
    writeFileSync(path, `${deduped.join("\n")}\n`);
    const { report } = await importFile(path);
    expect(report.sessions.added).toBe(0);
    expect(report.characters).toEqual({ created: 0, updated: 0 });
    expect(report.sessions.skipped).toBe(EXPECTED.sessionsAdded);
  });

  it("reports progress in bytes up to the whole file, across small batches", async () => {
    const path = writeQuirks();
    const { progress, report } = await importFile(path, { batchBytes: 200 });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe(quirkFile().length);
    expect(report.sessions.added).toBe(EXPECTED.sessionsAdded);
  });

  it("stops when cancelled, leaving whole characters and sessions, and a re-run completes it", async () => {
    const path = writeQuirks();
    const controller = new AbortController();
    let batches = 0;
    const partial = await importPippaFile({
      path,
      fileName: "quirks.jsonl",
      database,
      characters,
      sessions,
      signal: controller.signal,
      batchBytes: 200,
      onProgress: () => {
        if (++batches === 2) controller.abort();
      },
    });
    expect(partial.cancelled).toBe(true);
    expect(partial.sessions.added).toBeLessThan(EXPECTED.sessionsAdded);
    const integrity = database.db.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    expect(integrity.integrity_check).toBe("ok");
    for (const c of characters.list()) expect(c.name.length).toBeGreaterThan(0);
    const { report } = await importFile(path);
    expect(report.sessions.added + partial.sessions.added).toBe(EXPECTED.sessionsAdded);
    expect(characters.list()).toHaveLength(EXPECTED.characters);
  });
});

describe("PIPPA timestamps that are no dates", () => {
  const line = (timestamp: string, text: string) =>
    `{"submission_timestamp":${timestamp},"categories":null,"bot_id":"${"T".repeat(43)}","bot_name":"Clock",` +
    `"bot_greeting":"Tick.","bot_definitions":null,"bot_description":null,` +
    `"conversation":[{"message":"Tick.","is_human":false},{"message":"${text}","is_human":true}]}`;
  const absurd = [
    "1e308",
    "-5",
    "1.5",
    "9007199254740993",
    '"9999999999999999"',
    "1e400",
    `"${"9".repeat(40)}"`,
  ];

  it("repairs each to an unknown date with a warning naming its line, and keeps the conversation", async () => {
    const path = join(temp.dir, "clock.jsonl");
    const lines = [line("1674795100921", "valid"), ...absurd.map((t, i) => line(t, `absurd ${i}`))];
    writeFileSync(path, `${lines.join("\n")}\n`);
    const { report } = await importFile(path);
    expect(report.refusedCount).toBe(0);
    expect(report.sessions.added).toBe(lines.length);
    expect(report.warnings).toHaveLength(absurd.length);
    absurd.forEach((_, i) => {
      expect(report.warnings[i]).toMatch(new RegExp(`^line ${i + 2}: submission_timestamp .+ unknown date$`));
    });
    expect(report.warnings[0]).toContain("1e+308 is after the year 275760");
    expect(report.warnings[1]).toContain("-5 is before 1970");
    expect(report.warnings[2]).toContain("1.5 is not a whole number");
    expect(report.warnings[3]).toContain("9007199254740992 is after the year 275760");
    expect(report.warnings[5]).toContain("Infinity is not a date");
    const clock = byBot("T".repeat(43));
    const list = sessions.list(clock.id);
    expect(list.map((s) => s.submittedAt)).toEqual([...absurd.map(() => null), 1_674_795_100_921]);
    for (const s of list) expect(sessions.get(s.id).submittedAt).toBe(s.submittedAt);
    const pippa = clock.data.extensions.pippa as Record<string, unknown>;
    expect(pippa.first_submission_timestamp).toBe(1_674_795_100_921);
    expect(pippa.last_submission_timestamp).toBe(1_674_795_100_921);
  });

  it("never hands out a stored value a Date cannot show (databases imported before the fix)", () => {
    const id = characters.create(
      { spec: "chara_card_v2", spec_version: "2.0", data: emptyCardData("Old") },
      { source: "pippa", sourceKey: "pippa:old" },
    ).id;
    const stored: unknown[] = [
      1e308,
      -1e300,
      9_007_199_254_740_993n,
      9_223_372_036_854_775_807n,
      -(2n ** 63n),
      "soon",
    ];
    const insert = database.db.prepare(
      `INSERT INTO reference_sessions (character_id, content_hash, submitted_at, message_count, preview, messages_json, imported_at)
       VALUES (?, ?, ?, 1, 'p', '[[1,"hi"]]', 0)`,
    );
    for (const [i, value] of stored.entries()) insert.run(id, `h${i}`, value as number);
    const list = sessions.list(id);
    expect(list).toHaveLength(stored.length);
    for (const s of list) {
      expect(s.submittedAt).toBeNull();
      expect(sessions.get(s.id).submittedAt).toBeNull();
    }
  });
});

describe("PIPPA import over a character whose extensions were edited", () => {
  it("rebuilds the card instead of failing when extensions.pippa has the wrong shapes", async () => {
    const path = writeQuirks();
    await importFile(path);
    const a = byBot(BOT_IDS.A);
    const broken = {
      greetings: "x",
      categories: 7,
      first_submission_timestamp: "soon",
      conversation_count: -1,
    };
    characters.replaceCard(a.id, { ...a, data: { ...a.data, extensions: { pippa: broken } } });
    const extra = join(temp.dir, "extra.jsonl");
    const line = JSON.parse(quirkFile(false).toString("utf8").split("\n")[1] as string);
    line.conversation.push({ message: "One more turn.", is_human: true });
    writeFileSync(extra, `${JSON.stringify(line)}\n`);
    const { report } = await importFile(extra);
    expect(report).toMatchObject({ sessions: { added: 1 }, characters: { created: 0, updated: 1 } });
    const pippa = byBot(BOT_IDS.A).data.extensions.pippa as Record<string, unknown>;
    expect(pippa.conversation_count).toBe(1);
    expect(pippa.first_submission_timestamp).toBe(1_674_795_200_000);
  });
});

describe("PIPPA characters stay editable", () => {
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({
      submission_timestamp: 1_674_795_100_921,
      categories: null,
      bot_id: "L".repeat(43),
      bot_name: "Long",
      bot_greeting: "Hi.",
      bot_definitions: null,
      bot_description: null,
      conversation: [{ message: "Hi.", is_human: false }],
      ...fields,
    });

  it("refuses a line whose fields are longer than the editor allows, naming the field", async () => {
    const path = join(temp.dir, "long.jsonl");
    writeFileSync(
      path,
      `${line({ bot_name: "n".repeat(201) })}\n${line({ bot_greeting: "g".repeat(50_001) })}\n`,
    );
    const { report } = await importFile(path);
    expect(report.refused).toEqual([
      { line: 1, reason: "bot_name is 201 characters long (limit 200, the editor's for name)" },
      {
        line: 2,
        reason: "bot_greeting is 50,001 characters long (limit 50,000, the editor's for first_mes)",
      },
    ]);
  });

  it("keeps the 200 most frequent greetings as alternates and every greeting in extensions.pippa", async () => {
    const path = join(temp.dir, "greetings.jsonl");
    const lines = Array.from({ length: 206 }, (_, i) =>
      line({ bot_greeting: `Greeting ${i}.`, conversation: [{ message: `Turn ${i}.`, is_human: true }] }),
    );
    writeFileSync(path, `${lines.join("\n")}\n`);
    await importFile(path);
    const card = byBot("L".repeat(43));
    expect(card.data.alternate_greetings).toHaveLength(200);
    expect((card.data.extensions.pippa as { greetings: unknown[] }).greetings).toHaveLength(206);
  });
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PIPPA_KEYS } from "../../electron/services/import/pippaRecord";
import type { ImportReport } from "../../shared/domain/library";
import { jsonLines, seedChat } from "../fixtures/export/seed";
import { BOT_IDS, quirkFile } from "../fixtures/pippa/quirks";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
  await t.call("settings.update", { userName: "Ada Lovelace" });
});
afterEach(async () => {
  await t.close();
});

async function importFile(core: TestCore, path: string): Promise<ImportReport> {
  const { importId } = await core.call("import.start", { source: { path } });
  await (core.core as unknown as { imports: { settled(id: string): Promise<void> } }).imports.settled(
    importId,
  );
  const done = core.eventsOf("import.done").find((e) => e.importId === importId);
  if (!done) throw new Error(JSON.stringify(core.eventsOf("import.error")));
  return done.report;
}

async function mira(core: TestCore) {
  return core.call("characters.create", {
    name: "Mira",
    description: "Mira is a cartographer.",
    personality: "Curious.",
    scenario: "A port town.",
    greeting: "*{{char}} looks up from her maps.* Oh! A traveller, {{user}}?",
    exampleDialogue:
      "<START>\n{{user}}: Can you guide me?\n{{char}}: For a price.\n<START>\n{{char}}: The coast is north.",
    tags: ["Fantasy", "Adventure"],
  });
}

describe("PIPPA export: the file", () => {
  it("writes exactly the 8 keys in PIPPA's order and types, UTF-8 without BOM, \\n after each line", async () => {
    const c = await mira(t);
    await seedChat(t, c.id, [
      { role: "user", text: "Hi, I'm Ada. 😀 “Ünïcödé”" },
      { role: "character", text: "Welcome, Ada Lovelace." },
    ]);
    const plain = await t.call("characters.create", { name: "Blank" });
    await seedChat(t, plain.id, [{ role: "user", text: "hello" }]);
    const result = await t.call("export.pippa", { selection: { all: true }, acceptFlagged: [] });
    expect(result).toMatchObject({ mimeType: "application/jsonl", chats: 2, messages: 4 });
    expect(result.fileName).toMatch(/^masque-pippa-\d{8}-\d{6}\.jsonl$/);
    const bytes = Buffer.from(result.dataBase64, "base64");
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = bytes.toString("utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text).not.toContain("\r");
    const { records } = jsonLines(result.dataBase64);
    for (const r of records) {
      expect(Object.keys(r)).toEqual([...PIPPA_KEYS]);
      expect(Number.isSafeInteger(r.submission_timestamp)).toBe(true);
      expect(r.bot_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      for (const m of r.conversation as Record<string, unknown>[]) {
        expect(Object.keys(m)).toEqual(["message", "is_human"]);
        expect(typeof m.message).toBe("string");
        expect(typeof m.is_human).toBe("boolean");
      }
    }
    const [first, second] = records as Record<string, unknown>[];
    expect(first).toMatchObject({
      categories: ["Fantasy", "Adventure"],
      bot_name: "Mira",
      bot_greeting: "*Mira looks up from her maps.* Oh! A traveller, {{user}}?",
      bot_definitions:
        "{{user}}: Can you guide me?\n{{char}}: For a price.\nEND_OF_DIALOG\n{{char}}: The coast is north.\nEND_OF_DIALOG",
      bot_description: "Mira is a cartographer.\n\nPersonality: Curious.\n\nScenario: A port town.",
      conversation: [
        { message: "*Mira looks up from her maps.* Oh! A traveller, {{user}}?", is_human: false },
        { message: "Hi, I'm {{user}}. 😀 “Ünïcödé”", is_human: true },
        { message: "Welcome, {{user}}.", is_human: false },
      ],
    });
    expect(second).toMatchObject({
      categories: null,
      bot_greeting: "",
      bot_definitions: null,
      bot_description: null,
      conversation: [{ message: "hello", is_human: true }],
    });
  });

  it("derives a stable 43-character bot_id from the card, and keeps PIPPA's own", async () => {
    const c = await mira(t);
    await seedChat(t, c.id, [{ role: "user", text: "hi" }]);
    const id = async () =>
      jsonLines((await t.call("export.pippa", { selection: { all: true }, acceptFlagged: [] })).dataBase64)
        .records[0]?.bot_id;
    const before = await id();
    expect(before).toHaveLength(43);
    expect(await id()).toBe(before);
    await t.call("characters.update", { id: c.id, data: { description: "Changed." } });
    expect(await id()).not.toBe(before);

    const dir = makeTempDir();
    try {
      writeFileSync(join(dir.dir, "q.jsonl"), quirkFile());
      await importFile(t, join(dir.dir, "q.jsonl"));
    } finally {
      dir.cleanup();
    }
    const winter = (await t.call("characters.list", { search: "Winter" }))[0];
    const chatId = await seedChat(t, winter?.id as number, [{ role: "user", text: "I check my inventory." }]);
    const line = jsonLines(
      (await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: [] })).dataBase64,
    ).records[0];
    expect(line).toMatchObject({ bot_id: BOT_IDS.A, bot_name: "Winter RPG" });
    // Examples unchanged since import: the original definitions, byte for byte.
    expect(line?.bot_definitions).toContain("{{random_user_1}}: What is in my inventory?");
  });

  it("rebuilds bot_definitions once the examples were edited", async () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir.dir, "q.jsonl"), quirkFile());
      await importFile(t, join(dir.dir, "q.jsonl"));
    } finally {
      dir.cleanup();
    }
    const winter = (await t.call("characters.list", { search: "Winter" }))[0]?.id as number;
    await t.call("characters.update", {
      id: winter,
      data: { mes_example: "<START>\n{{user}}: Map?\n{{char}}: North." },
    });
    const chatId = await seedChat(t, winter, [{ role: "user", text: "hi" }]);
    const line = jsonLines(
      (await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: [] })).dataBase64,
    ).records[0];
    expect(line?.bot_definitions).toBe("{{user}}: Map?\n{{char}}: North.\nEND_OF_DIALOG");
  });
});

describe("PIPPA export: selection", () => {
  it("selects chats one by one, per character, or all; empty and unknown selections are refused", async () => {
    const a = await mira(t);
    const b = await t.call("characters.create", { name: "Rook", greeting: "Ahoy." });
    const a1 = await seedChat(t, a.id, [{ role: "user", text: "one" }]);
    const a2 = await seedChat(t, a.id, [{ role: "user", text: "two" }]);
    const b1 = await seedChat(t, b.id, [{ role: "user", text: "three" }]);
    const untouched = (await t.call("chats.create", { characterId: b.id })).chat.id;
    const chats = async (selection: object) =>
      (await t.call("export.preview", { selection: selection as { all: true } })).chats;
    expect(await chats({ chatIds: [a2] })).toBe(1);
    expect(await chats({ chatIds: [a1, b1] })).toBe(2);
    expect(await chats({ characterIds: [a.id] })).toBe(2);
    expect(await chats({ all: true })).toBe(3);
    expect((await t.call("export.preview", { selection: { all: true } })).skippedChats).toEqual([untouched]);

    expect(await t.fail("export.preview", { selection: { chatIds: [] } })).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("select at least one chat"),
    });
    expect(await t.fail("export.preview", { selection: {} })).toMatchObject({ code: "INVALID_INPUT" });
    expect(await t.fail("export.preview", { selection: { all: true, chatIds: [a1] } })).toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await t.fail("export.pippa", { selection: { all: true } })).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("acceptFlagged"),
    });
    expect(await t.fail("export.preview", { selection: { chatIds: [a1, 998, 999] } })).toMatchObject({
      code: "NOT_FOUND",
      message: "chats 998, 999 do not exist",
    });
    expect(await t.fail("export.preview", { selection: { characterIds: [77] } })).toMatchObject({
      code: "NOT_FOUND",
      message: "character 77 does not exist",
    });
    expect(await t.fail("export.preview", { selection: { chatIds: [untouched] } })).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("no message from you"),
    });
  });

  it("never exports PIPPA reference sessions as the user's chats", async () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir.dir, "q.jsonl"), quirkFile());
      const report = await importFile(t, join(dir.dir, "q.jsonl"));
      expect(report.sessions.added).toBeGreaterThan(0);
    } finally {
      dir.cleanup();
    }
    expect(await t.fail("export.pippa", { selection: { all: true }, acceptFlagged: [] })).toMatchObject({
      code: "INVALID_INPUT",
      message: "no chats to export",
    });
    const ayaka = (await t.call("characters.list", { search: "Ayaka" }))[0]?.id as number;
    expect(await t.fail("export.preview", { selection: { characterIds: [ayaka] } })).toMatchObject({
      message: "no chats to export",
    });
    await seedChat(t, ayaka, [{ role: "user", text: "My own words." }]);
    const { records } = jsonLines(
      (await t.call("export.pippa", { selection: { all: true }, acceptFlagged: [] })).dataBase64,
    );
    expect(records).toHaveLength(1);
    const conversation = records[0]?.conversation as { message: string }[];
    expect(conversation.map((m) => m.message).at(-1)).toBe("My own words.");
  });
});

describe("PIPPA export → import round trip", () => {
  it("an empty library gets the same characters and the same conversations (after redaction)", async () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir.dir, "q.jsonl"), quirkFile());
      await importFile(t, join(dir.dir, "q.jsonl"));
      const c = await mira(t);
      const winter = (await t.call("characters.list", { search: "Winter" }))[0]?.id as number;
      const ayaka = (await t.call("characters.list", { search: "Ayaka" }))[0]?.id as number;
      await seedChat(t, c.id, [
        { role: "user", text: "Hi, I'm Ada Lovelace. Call me ADA." },
        { role: "character", text: "Hello Ada's friend\nand {{char}}'s guest." },
        { role: "user", text: "[REDACTED]? {{User}}?" },
      ]);
      await seedChat(t, c.id, [{ role: "user", text: "Second chat, Lovelace." }]);
      await seedChat(t, winter, [
        { role: "user", text: "I check my inventory." },
        { role: "character", text: "A torch." },
      ]);
      await seedChat(t, ayaka, [{ role: "user", text: "こんにちは、Adaです。" }]);
      const before = await t.call("characters.list", {});
      const exported = await t.call("export.pippa", { selection: { all: true }, acceptFlagged: "all" });
      const file = join(dir.dir, exported.fileName);
      writeFileSync(file, Buffer.from(exported.dataBase64, "base64"));
      const { records } = jsonLines(exported.dataBase64);

      const fresh = await openTestCore();
      try {
        const report = await importFile(fresh, file);
        expect(report).toMatchObject({ format: "pippa", refusedCount: 0, characters: { created: 3 } });
        expect(report.sessions).toEqual({ added: 4, skipped: 0 });
        const after = await fresh.call("characters.list", {});
        expect(after.map((x) => x.name).sort()).toEqual(["Ayaka", "Mira", "Winter RPG"]);
        for (const summary of after) {
          const original = (
            await t.call("characters.get", { id: before.find((b) => b.name === summary.name)?.id as number })
          ).data;
          const copy = (await fresh.call("characters.get", { id: summary.id })).data;
          const expected = { ...original };
          if (summary.name === "Mira") {
            // Personality and scenario have no PIPPA field: they come back inside the description.
            expected.description =
              "Mira is a cartographer.\n\nPersonality: Curious.\n\nScenario: A port town.";
            // The greeting is the text the user saw: `{{char}}` written out, as in PIPPA's logs.
            expected.first_mes = "*Mira looks up from her maps.* Oh! A traveller, {{user}}?";
          }
          for (const key of ["name", "description", "first_mes", "mes_example", "tags"] as const)
            expect(copy[key], `${summary.name}.${key}`).toEqual(expected[key]);
        }
        const sessions = [];
        for (const summary of after)
          for (const s of await fresh.call("sessions.list", { characterId: summary.id }))
            sessions.push((await fresh.call("sessions.get", { sessionId: s.id })).messages);
        const exportedConversations = records.map((r) =>
          (r.conversation as { message: string; is_human: boolean }[]).map((m) => ({
            isHuman: m.is_human,
            text: m.message,
          })),
        );
        expect(sessions).toHaveLength(exportedConversations.length);
        for (const conversation of exportedConversations) expect(sessions).toContainEqual(conversation);
        const mira1 = exportedConversations.find((c) => c[1]?.text.startsWith("Hi, I'm"));
        expect(mira1?.map((m) => m.text)).toEqual([
          "*Mira looks up from her maps.* Oh! A traveller, {{user}}?",
          "Hi, I'm {{user}}. Call me {{user}}.",
          "Hello {{user}}'s friend\nand Mira's guest.",
          "{{user}}? {{user}}?",
        ]);
      } finally {
        await fresh.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});

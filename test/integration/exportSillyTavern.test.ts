import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "../../shared/domain/chat";
import type { ImportReport } from "../../shared/domain/library";
import { seedChat } from "../fixtures/export/seed";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";

let t: TestCore;
let temp: ReturnType<typeof makeTempDir>;
beforeEach(async () => {
  t = await openTestCore();
  temp = makeTempDir();
  await t.call("settings.update", { userName: "Ada" });
});
afterEach(async () => {
  await t.close();
  temp.cleanup();
});

async function importFile(core: TestCore, path: string, format?: "sillytavern"): Promise<ImportReport> {
  const { importId } = await core.call("import.start", { source: { path }, ...(format ? { format } : {}) });
  await (core.core as unknown as { imports: { settled(id: string): Promise<void> } }).imports.settled(
    importId,
  );
  const done = core.eventsOf("import.done").find((e) => e.importId === importId);
  if (!done) throw new Error(JSON.stringify(core.eventsOf("import.error")));
  return done.report;
}

/** Each message on the active path with its alternatives, as the user sees them. */
async function shape(core: TestCore, chatId: number) {
  const view = await core.call("chats.get", { chatId });
  const out: { role: string; text: string; swipes: string[]; active: number }[] = [];
  for (const m of view.messages as Message[]) {
    const swipes = await core.call("chats.swipes", { messageId: m.id });
    out.push({ role: m.role, text: m.text, swipes: swipes.map((s) => s.text), active: m.siblingIndex });
  }
  return out;
}

async function exportToFile(core: TestCore, chatId: number): Promise<string> {
  const file = await core.call("export.sillytavern", { chatId });
  const path = join(temp.dir, file.fileName);
  writeFileSync(path, Buffer.from(file.dataBase64, "base64"));
  return path;
}

describe("SillyTavern chat export and import", () => {
  it("writes a header line, then each message with swipes and swipe_id", async () => {
    const c = await t.call("characters.create", { name: "Mira", greeting: "Hello." });
    await t.call("characters.update", { id: c.id, data: { alternate_greetings: ["Hi there."] } });
    const chatId = await seedChat(t, c.id, [
      { role: "user", text: "Hi" },
      { role: "character", text: "Reply B", alternatives: ["Reply A"] },
    ]);
    const file = await t.call("export.sillytavern", { chatId });
    expect(file.fileName).toMatch(/^Mira - \d{4}-\d{2}-\d{2}@\d{2}h\d{2}m\d{2}s\.jsonl$/);
    const lines = Buffer.from(file.dataBase64, "base64")
      .toString("utf8")
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      user_name: "Ada",
      character_name: "Mira",
      create_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}@\d{2}h\d{2}m\d{2}s$/),
      chat_metadata: {},
    });
    expect(lines[1]).toMatchObject({
      name: "Mira",
      is_user: false,
      is_system: false,
      mes: "Hello.",
      swipe_id: 0,
      swipes: ["Hello.", "Hi there."],
    });
    expect(lines[1].send_date).toMatch(/^[A-Z][a-z]+ \d{1,2}, \d{4} \d{1,2}:\d{2}[ap]m$/);
    expect(lines[2]).toEqual(expect.objectContaining({ name: "Ada", is_user: true, mes: "Hi", extra: {} }));
    expect(lines[2]).not.toHaveProperty("swipes");
    expect(lines[3]).toMatchObject({ mes: "Reply B", swipe_id: 1, swipes: ["Reply A", "Reply B"] });
    expect(lines[3].swipe_info).toHaveLength(2);
  });

  it("round-trips: same messages, same swipes, same active path, into the same character", async () => {
    const c = await t.call("characters.create", { name: "Mira", greeting: "Hello." });
    await t.call("characters.update", { id: c.id, data: { alternate_greetings: ["Hi there.", "Yo."] } });
    const chatId = await seedChat(t, c.id, [
      { role: "user", text: "Hi, *waves*\nsecond line" },
      { role: "character", text: "Middle", alternatives: ["First", "Last?"] },
      { role: "user", text: "Edited question", alternatives: ["Original question"] },
      { role: "character", text: "Answer 😀", alternatives: ["Answer zero", "Answer one"] },
    ]);
    // The chosen swipe is not the newest one: the import must make it active again.
    const last = (await t.call("chats.get", { chatId })).messages.at(-1) as Message;
    const answers = await t.call("chats.swipes", { messageId: last.id });
    await t.call("chats.selectSwipe", { messageId: answers[1]?.id as number });
    const expected = await shape(t, chatId);
    expect(expected.at(-1)).toMatchObject({ text: "Answer one", active: 1 });
    expect(expected[0]?.swipes).toHaveLength(3);
    const path = await exportToFile(t, chatId);

    const report = await importFile(t, path);
    expect(report).toMatchObject({
      format: "sillytavern",
      characters: { created: 0, updated: 0 },
      characterIds: [c.id],
    });
    expect(report.warnings[0]).toMatch(/^imported 1 chat \(id \d+\) with 5 messages and 7 alternatives$/);
    const copyId = Number(/id (\d+)/.exec(report.warnings[0] as string)?.[1]);
    expect((await t.call("chats.list", { characterId: c.id })).map((x) => x.id)).toContain(copyId);
    expect(await shape(t, copyId)).toEqual(expected);

    const fresh = await openTestCore();
    try {
      const again = await importFile(fresh, path);
      expect(again.characters).toEqual({ created: 1, updated: 0 });
      const character = await fresh.call("characters.get", { id: again.characterIds[0] as number });
      expect(character.data).toMatchObject({
        name: "Mira",
        first_mes: "Hello.",
        alternate_greetings: ["Hi there.", "Yo."],
      });
      const [chat] = await fresh.call("chats.list", {});
      expect(await shape(fresh, chat?.id as number)).toEqual(expected);
    } finally {
      await fresh.close();
    }
  });

  it("reads SillyTavern's own files: system messages skipped, mes wins over swipes, old date formats", async () => {
    const lines = [
      {
        user_name: "You",
        character_name: "Seraphina",
        create_date: "2024-10-18 @20h 52m 17s 123ms",
        chat_metadata: { note: 1 },
      },
      {
        name: "Seraphina",
        is_user: false,
        is_system: false,
        send_date: "October 18, 2024 8:52pm",
        mes: "Greetings.",
        extra: {},
      },
      { name: "You", is_user: true, is_system: false, send_date: 1_729_284_000_000, mes: "Hello", extra: {} },
      {
        name: "System",
        is_user: false,
        is_system: true,
        send_date: "2023-06-19@14h20m30s",
        mes: "hidden note",
        extra: {},
      },
      {
        name: "Seraphina",
        is_user: false,
        send_date: "2024-10-18T20:55:00.000Z",
        mes: "Edited reply",
        swipe_id: 0,
        swipes: ["Old reply"],
      },
    ];
    const path = join(temp.dir, "Seraphina - 2024-10-18@20h52m17s.jsonl");
    writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join("\r\n")}\r\n{broken\n`);
    const report = await importFile(t, path);
    expect(report).toMatchObject({ format: "sillytavern", characters: { created: 1 }, refusedCount: 1 });
    expect(report.refused[0]).toMatchObject({ line: 6 });
    expect(report.warnings).toContain("1 system messages skipped");
    const [chat] = await t.call("chats.list", {});
    const view = await t.call("chats.get", { chatId: chat?.id as number });
    expect(view.messages.map((m) => [m.role, m.text])).toEqual([
      ["character", "Greetings."],
      ["user", "Hello"],
      ["character", "Edited reply"],
    ]);
    expect(view.messages[1]?.createdAt).toBe(1_729_284_000_000);
    expect(view.messages[2]?.siblingCount).toBe(2);
  });

  it("refuses a file that is not a SillyTavern chat when asked for one, and an empty chat", async () => {
    const pippa = join(temp.dir, "p.jsonl");
    writeFileSync(pippa, `${JSON.stringify({ bot_id: "x", conversation: [] })}\n`);
    const { importId } = await t.call("import.start", { source: { path: pippa }, format: "sillytavern" });
    await (t.core as unknown as { imports: { settled(id: string): Promise<void> } }).imports.settled(
      importId,
    );
    expect(t.eventsOf("import.error")[0]?.error).toMatchObject({
      code: "IMPORT_FAILED",
      message: expect.stringContaining("not a SillyTavern chat"),
    });
    const empty = join(temp.dir, "e.jsonl");
    writeFileSync(empty, `${JSON.stringify({ user_name: "You", character_name: "X" })}\n`);
    const second = await t.call("import.start", { source: { path: empty } });
    await (t.core as unknown as { imports: { settled(id: string): Promise<void> } }).imports.settled(
      second.importId,
    );
    expect(t.eventsOf("import.error")[1]?.error.message).toContain("no messages");
  });
});

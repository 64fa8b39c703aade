import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jsonLines, seedChat } from "../fixtures/export/seed";
import { openTestCore, type TestCore } from "../helpers/core";

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
  await t.call("settings.update", { userName: "Ada" });
});
afterEach(async () => {
  await t.close();
});

describe("Metharme export", () => {
  it("writes one {prompt, generation} per reply, or per chat, redacted", async () => {
    const c = await t.call("characters.create", {
      name: "Mira",
      description: "{{char}} draws maps.",
      greeting: "Hello, {{user}}.",
    });
    await seedChat(t, c.id, [
      { role: "user", text: "I'm Ada, mail ada@example.com" },
      { role: "character", text: "Noted, Ada." },
      { role: "user", text: "Thanks" },
      { role: "character", text: "Bye." },
    ]);
    await seedChat(t, c.id, [{ role: "user", text: "No reply yet" }]);
    const turn = await t.call("export.metharme", { selection: { all: true }, acceptFlagged: "all" });
    expect(turn).toMatchObject({ records: 2, chats: 2, redactions: { names: 3, emails: 1 } });
    const { records } = jsonLines(turn.dataBase64);
    for (const r of records) expect(Object.keys(r)).toEqual(["prompt", "generation"]);
    const system =
      "<|system|>Enter RP mode. Pretend to be Mira whose persona follows:\nMira draws maps.\n\n" +
      "You must stay in character at all times and reply as Mira.";
    expect(records[0]).toEqual({
      prompt: `${system}<|model|>Hello, {{user}}.<|user|>I'm {{user}}, mail [EMAIL]<|model|>`,
      generation: "Noted, {{user}}.",
    });
    expect(records[1]?.prompt).toBe(
      `${system}<|model|>Hello, {{user}}.<|user|>I'm {{user}}, mail [EMAIL]<|model|>Noted, {{user}}.<|user|>Thanks<|model|>`,
    );
    expect(records[1]?.generation).toBe("Bye.");

    const chat = await t.call("export.metharme", {
      selection: { all: true },
      acceptFlagged: "all",
      mode: "chat",
    });
    expect(jsonLines(chat.dataBase64).records).toEqual([records[1]]);
  });

  it("refuses a selection with no reply to learn from", async () => {
    const c = await t.call("characters.create", { name: "Mira", greeting: "Hello." });
    await seedChat(t, c.id, [{ role: "user", text: "Hi" }]);
    expect(await t.fail("export.metharme", { selection: { all: true }, acceptFlagged: [] })).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("no replies"),
    });
  });
});

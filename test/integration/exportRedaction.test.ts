import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePippaText } from "../../electron/services/export/pippaValidator";
import type { ExportPreview } from "../../shared/api/contract";
import { type Measure, measure } from "../fixtures/export/measure";
import { ALIASES, CHARACTERS, corpusChats, USER_NAME } from "../fixtures/export/piiCorpus";
import { jsonLines, seedChat } from "../fixtures/export/seed";
import { openTestCore, type TestCore } from "../helpers/core";

const chats = corpusChats();
let t: TestCore;
let chatIds: number[];
let preview: ExportPreview;
let records: Record<string, unknown>[];
let text: string;
let m: Measure;

beforeAll(async () => {
  t = await openTestCore();
  await t.call("settings.update", { userName: USER_NAME });
  const characterIds: number[] = [];
  for (const c of CHARACTERS) {
    const record = await t.call("characters.create", {
      name: c.name,
      description: c.description,
      greeting: c.greeting,
      exampleDialogue: c.exampleDialogue,
    });
    characterIds.push(record.id);
  }
  chatIds = [];
  for (const chat of chats)
    chatIds.push(await seedChat(t, characterIds[chat.character] as number, chat.messages));
  const selection = { all: true as const };
  preview = await t.call("export.preview", { selection, aliases: ALIASES });
  const exported = await t.call("export.pippa", { selection, aliases: ALIASES, acceptFlagged: "all" });
  ({ text, records } = jsonLines(exported.dataBase64));
  m = measure(chats, CHARACTERS, records, chatIds, preview);
});
afterAll(async () => {
  await t.close();
});

describe("redaction on the planted-PII corpus", () => {
  it("covers at least 50 chats, one valid line each", () => {
    expect(chats.length).toBeGreaterThanOrEqual(50);
    expect(records).toHaveLength(chats.length);
    expect(preview.chats).toBe(chats.length);
    expect(validatePippaText(text, true)).toMatchObject({
      lines: chats.length,
      valid: chats.length,
      invalidCount: 0,
    });
  });

  it("leaves none of the planted names", () => {
    console.log(`names: ${m.namesPlanted} planted, ${m.namesLeft.length} left`, m.namesLeft.slice(0, 5));
    expect(m.namesPlanted).toBeGreaterThan(150);
    expect(m.namesLeft).toEqual([]);
  });

  it("replaces or flags at least 95% of planted e-mails, phones and URLs", () => {
    const lines = Object.entries(m.recall).map(
      ([kind, r]) => `${kind}: ${r.replaced}/${r.planted} (${((100 * r.replaced) / r.planted).toFixed(1)}%)`,
    );
    console.log(`recall: ${lines.join(", ")}`);
    for (const [kind, r] of Object.entries(m.recall))
      if (r.missed.length) console.log(`missed ${kind}:`, r.missed);
    for (const kind of ["email", "phone", "url"] as const) {
      expect(m.recall[kind].planted).toBeGreaterThanOrEqual(50);
      expect(m.recall[kind].replaced / m.recall[kind].planted).toBeGreaterThanOrEqual(0.95);
    }
  });

  it("keeps look-alike text and reports its false positives", () => {
    // Each false positive is one span flagged or one name replaced that was not planted.
    const rate = (m.falseFlags.length + m.falseNames.length) / m.lookalikes;
    console.log(
      `false positives: ${m.falseFlags.length} spans flagged and ${m.falseNames.length} names replaced that ` +
        `were not planted, over ${m.lookalikes} look-alikes (${(100 * rate).toFixed(1)}%); ` +
        `${m.mangled.length} look-alikes changed after accepting every flagged span`,
    );
    console.log("changed:", [...new Set(m.mangled.map((x) => x.lookalike))]);
    console.log("flagged:", [...new Set(m.falseFlags.map((f) => `${f.kind}:${f.text}`))]);
    console.log("names:", [...new Set(m.falseNames.map((f) => f.text))]);
    // Known and accepted: a CJK name inside a longer CJK word (さくらんぼ), a bare 10-digit number
    // with a trunk 0 ("serial 0123456789" reads as a national phone number).
    expect(new Set(m.mangled.map((x) => x.lookalike))).toEqual(new Set(["さくらんぼ", "serial 0123456789"]));
    expect(new Set(m.falseFlags.map((f) => f.text))).toEqual(new Set(["0123456789"]));
    expect(new Set(m.falseNames.map((f) => f.text))).toEqual(new Set(["さくら"]));
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it("exports only the active path: inactive alternatives never appear", () => {
    expect(text).not.toContain("INACTIVE-SWIPE");
    expect(text).not.toMatch(/inactive\d+\.com/);
  });

  it("lists every replacement and flagged span in context with a location and a stable id", async () => {
    expect(preview.names).toEqual(
      expect.arrayContaining(["Ada Lovelace", "Ada", "Lovelace", "Zoë", "Zoe", "王芳"]),
    );
    expect(preview.replacements.length).toBeGreaterThan(m.namesPlanted);
    const greeting = preview.replacements.find((r) => r.field === "greeting");
    expect(greeting).toMatchObject({
      text: "Ada",
      messageIndex: 0,
      context: expect.stringContaining("Ahoy, Ada!"),
    });
    const description = preview.flagged.find((f) => f.field === "description" && f.kind === "email");
    expect(description).toMatchObject({ chatId: null, messageIndex: null, replacement: "[EMAIL]" });
    for (const f of preview.flagged) expect(f.context).toContain(f.text);
    const ids = preview.flagged.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const again = await t.call("export.preview", { selection: { all: true }, aliases: ALIASES });
    expect(again.flagged.map((f) => f.id)).toEqual(ids);
  });

  it("keeps names replaced and rejected spans as written; accepted ones become placeholders", async () => {
    const chatId = chatIds[0] as number;
    const selection = { chatIds: [chatId] };
    const flagged = (await t.call("export.preview", { selection, aliases: ALIASES })).flagged;
    const [accepted, ...rejected] = flagged;
    const result = await t.call("export.pippa", {
      selection,
      aliases: ALIASES,
      acceptFlagged: [accepted?.id as string],
    });
    const line = jsonLines(result.dataBase64).text;
    expect(line).toContain(accepted?.replacement);
    for (const span of rejected) expect(line).toContain(JSON.stringify(span.text).slice(1, -1));
    expect(result.flagged.filter((f) => f.accepted).map((f) => f.id)).toEqual([accepted?.id]);
    expect(nameFree(line)).toBe(true);
    const none = await t.call("export.pippa", { selection, aliases: ALIASES, acceptFlagged: [] });
    expect(Object.values(none.redactions).slice(1)).toEqual([0, 0, 0, 0]);
    expect(none.redactions.names).toBeGreaterThan(0);
  });

  it("refuses flagged ids it does not know (a stale preview)", async () => {
    const error = await t.fail("export.pippa", {
      selection: { all: true },
      aliases: ALIASES,
      acceptFlagged: ["chat1:m1:0-3"],
    });
    expect(error).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("preview again") });
  });
});

function nameFree(line: string): boolean {
  return !/\bAda\b|Lovelace\b/i.test(line.replace(/Adam|adamant|Canada|Adalbert|Lovelaces/g, ""));
}

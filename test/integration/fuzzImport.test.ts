/**
 * Imports of fuzzed files through the real core and database: PIPPA JSONL, SillyTavern chats and
 * character cards, detected by content or forced to the wrong format. An import ends with a report
 * or a named error (never an unexpected exception), a failed one leaves the library exactly as it
 * was, a PIPPA report accounts for every line, and whatever was imported can be read and exported.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { librarySnapshot } from "../fixtures/importRun";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";
import { awkwardNumber, awkwardString, HANG_MS, mutatedJson, nest } from "../unit/fuzz/arbitraries";
import { cardFileBytes } from "../unit/fuzz/cardArbitraries";
import { fuzzOptions, fuzzTimeout } from "../unit/fuzz/runs";

let t: TestCore;
const files = makeTempDir("masque-fuzz-import-");
let counter = 0;
beforeAll(async () => {
  t = await openTestCore();
});
afterAll(async () => {
  await t.close();
  files.cleanup();
});

const PIPPA = {
  submission_timestamp: 1_674_795_100_921,
  categories: ["Games"],
  bot_id: "F".repeat(43),
  bot_name: "Fuzz Bot",
  bot_greeting: "Hello {{random_user_1}}.",
  bot_definitions: "{{char}}: Hi.\n{{user}}: Hey.\nEND_OF_DIALOG",
  bot_description: "A bot.",
  conversation: [
    { message: "Hello.", is_human: false },
    { message: "Hi!", is_human: true },
  ],
};
const text = fc.oneof(awkwardString, fc.constantFrom("Hello.", "{{user}} waves.", ""));
const pippaRecord = fc.record({
  submission_timestamp: fc.oneof(awkwardNumber, fc.constantFrom("1674795100921", "yesterday")),
  categories: fc.option(fc.array(text, { maxLength: 3 })),
  bot_id: fc.constantFrom("F".repeat(43), "G".repeat(43), " padded "),
  bot_name: fc.oneof(text, fc.constant("Bot")),
  bot_greeting: text,
  bot_definitions: fc.option(text),
  bot_description: fc.option(text),
  conversation: fc.array(fc.record({ message: text, is_human: fc.boolean() }), { maxLength: 4 }),
});
const pippaLine = fc.oneof(
  pippaRecord.map((r) => JSON.stringify(r)),
  mutatedJson(PIPPA).map((v) => JSON.stringify(v) ?? "null"),
  awkwardString.map((s) => s.replace(/[\r\n]/g, " ")),
  fc.integer({ min: 90, max: 300 }).map((n) => JSON.stringify({ ...PIPPA, x: nest(n) })),
);
const ending = fc.constantFrom("\n", "\r\n", "\r");
const pippaFile = fc
  .tuple(fc.array(fc.tuple(pippaLine, ending), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([lines, bom, latin1]) => {
    const body = Buffer.from(lines.map(([l, e]) => l + e).join(""), "utf8");
    // Some files carry a byte that is not UTF-8 in the middle of a line.
    const bytes =
      latin1 && body.length > 4
        ? Buffer.concat([body.subarray(0, 3), Buffer.from([0xe9]), body.subarray(3)])
        : body;
    return { bytes: bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes };
  });

const ST_MESSAGE = {
  name: "Mira",
  is_user: false,
  is_system: false,
  send_date: "October 18, 2024 8:52pm",
  mes: "Hi.",
  extra: {},
  swipe_id: 0,
  swipes: ["Hi.", "Hey."],
};
const stFile = fc
  .tuple(
    mutatedJson({
      user_name: "You",
      character_name: "Mira",
      create_date: "2024-10-18@20h52m17s",
      chat_metadata: {},
    }),
    fc.array(fc.oneof(mutatedJson(ST_MESSAGE), fc.constant(ST_MESSAGE)), { maxLength: 5 }),
  )
  .map(([header, messages]) => [header, ...messages].map((m) => JSON.stringify(m) ?? "null").join("\n"));

type Forced = "auto" | "pippa" | "card" | "sillytavern";
const forced = fc.constantFrom<Forced>("auto", "auto", "auto", "pippa", "card", "sillytavern");

function write(name: string, content: string | Uint8Array): string {
  const path = join(files.dir, `${++counter}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function importChecked(path: string, format: Forced) {
  const before = librarySnapshot(t);
  const started = await t.core.dispatch("import.start", { source: { path }, format });
  if (!started.ok) {
    // Format detection refuses some files before the import starts.
    expect(started.error.code, started.error.message).toBe("IMPORT_FAILED");
    expect(librarySnapshot(t)).toEqual(before);
    return null;
  }
  const { importId } = started.value as { importId: string };
  await t.core.imports.settled(importId);
  const done = t.eventsOf("import.done").find((e) => e.importId === importId);
  const failed = t.eventsOf("import.error").find((e) => e.importId === importId);
  if (failed) {
    expect(["IMPORT_FAILED", "CARD_INVALID"]).toContain(failed.error.code);
    expect(failed.error.details?.unexpected, failed.error.message).toBeUndefined();
    expect(librarySnapshot(t)).toEqual(before);
    return null;
  }
  expect(done).toBeDefined();
  return done?.report ?? null;
}

/** Everything in the library can be read, listed and exported without an unexpected error. */
async function expectReadable(): Promise<void> {
  const list = await t.call("characters.list", {});
  for (const c of list) {
    await t.call("characters.get", { id: c.id });
    for (const s of await t.call("sessions.list", { characterId: c.id })) {
      if (s.submittedAt !== null) expect(() => new Date(s.submittedAt as number).toISOString()).not.toThrow();
      await t.call("sessions.get", { sessionId: s.id });
    }
    for (const format of ["v2", "v3", "png", "charx"] as const) {
      const result = await t.core.dispatch("characters.export", { id: c.id, format });
      if (!result.ok) expect(result.error.code, result.error.message).toBe("CARD_INVALID");
    }
  }
  for (const chat of await t.call("chats.list", {})) await t.call("chats.get", { chatId: chat.id });
}

describe("fuzzed imports through the core", { timeout: fuzzTimeout(60_000) }, () => {
  it("PIPPA files: every line is added, skipped or refused; a failure writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(pippaFile, forced, async ({ bytes }, format) => {
        const report = await importChecked(write("fuzz.jsonl", bytes), format === "card" ? "pippa" : format);
        if (report?.format === "pippa") {
          const decoded = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
          const nonBlank = decoded.split(/\r\n|\r|\n/).filter((l) => l.trim() !== "").length;
          expect(report.sessions.added + report.sessions.skipped + report.refusedCount).toBe(nonBlank);
        }
      }),
      { ...fuzzOptions(60), plugins: [fc.timeout(HANG_MS)] },
    );
    await expectReadable();
  });

  it("SillyTavern chats import as one chat or fail by name, writing nothing then", async () => {
    await fc.assert(
      fc.asyncProperty(stFile, forced, async (file, format) => {
        await importChecked(write("chat.jsonl", file), format);
      }),
      { ...fuzzOptions(60), plugins: [fc.timeout(HANG_MS)] },
    );
    await expectReadable();
  });

  it("character card files import, update the same character, or fail by name", async () => {
    await fc.assert(
      fc.asyncProperty(cardFileBytes, forced, async (bytes, format) => {
        await importChecked(write("card.bin", bytes), format);
      }),
      { ...fuzzOptions(80), plugins: [fc.timeout(HANG_MS)] },
    );
    await expectReadable();
  });
});

/**
 * Regression tests for input defects found by adversarial testing: each input once crashed, was
 * accepted silently or wrote partial data. Every import goes through the real core and database.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b64json, buildZip, jsonBytes, pngCard, textChunk } from "../fixtures/cards/builders";
import { V3_CARD } from "../fixtures/cards/cards";
import { librarySnapshot, runImport } from "../fixtures/importRun";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";

let t: TestCore;
const files = makeTempDir("masque-defects-");
beforeAll(async () => {
  t = await openTestCore();
});
afterAll(async () => {
  await t.close();
  files.cleanup();
});

function write(name: string, content: string | Uint8Array): string {
  const path = join(files.dir, name);
  writeFileSync(path, content);
  return path;
}

const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
const PIPPA_LINE = JSON.stringify({
  submission_timestamp: 1_674_795_100_921,
  categories: null,
  bot_id: "N".repeat(43),
  bot_name: "Nest",
  bot_greeting: "Hi.",
  bot_definitions: null,
  bot_description: null,
  conversation: [
    { message: "Hi.", is_human: false },
    { message: "Hello.", is_human: true },
  ],
});

describe("deeply nested JSON", () => {
  it("refuses a card nested 200,000 levels deep with CARD_INVALID naming the depth, and writes nothing", async () => {
    const card = `{"name":"Deep","extensions":{"x":${nested(200_000)}}}`;
    const png = pngCard([textChunk("chara", Buffer.from(card).toString("base64"))]);
    const charx = buildZip([{ path: "card.json", data: Buffer.from(card) }]);
    for (const [name, bytes] of [
      ["deep.json", card],
      ["deep.png", png],
      ["deep.charx", charx],
    ] as const) {
      const before = librarySnapshot(t);
      const outcome = await runImport(t, write(name, bytes));
      expect(outcome.error?.code, name).toBe("CARD_INVALID");
      expect(outcome.error?.message).toMatch(
        new RegExp(`^${name}: .*nested 200,002 levels deep \\(the limit is 100\\)`),
      );
      expect(librarySnapshot(t)).toEqual(before);
    }
  });

  it("refuses a too-deep PIPPA line by its line number and imports the others", async () => {
    const deep = PIPPA_LINE.replace('"categories":null', `"categories":null,"x":${nested(5000)}`);
    const outcome = await runImport(t, write("deep.jsonl", `${PIPPA_LINE}\n${deep}\n`));
    expect(outcome.report?.sessions.added).toBe(1);
    expect(outcome.report?.refused).toEqual([
      { line: 2, reason: "JSON nested 5,001 levels deep (the limit is 100)" },
    ]);
  });

  it("refuses a too-deep SillyTavern message line by its line number", async () => {
    const header = JSON.stringify({ user_name: "You", character_name: "Nest" });
    const message = (mes: string) => JSON.stringify({ name: "Nest", is_user: false, mes });
    const deep = message("deep").replace('"mes"', `"extra":${nested(300)},"mes"`);
    const outcome = await runImport(t, write("deep-st.jsonl", `${header}\n${message("hi")}\n${deep}\n`));
    expect(outcome.report?.refused).toEqual([
      { line: 3, reason: "JSON nested 301 levels deep (the limit is 100)" },
    ]);
  });
});

void b64json;
void jsonBytes;
void V3_CARD;

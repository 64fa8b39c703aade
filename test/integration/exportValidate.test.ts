import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePippaText } from "../../electron/services/export/pippaValidator";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";

const ID = "q3v0Yk2l9sE8c1Wb5rT6uZ7nA4mH0pXjK2dL8fG1hQs";
const record = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    submission_timestamp: 1_674_795_100_921,
    categories: ["Fantasy"],
    bot_id: ID,
    bot_name: "Mira",
    bot_greeting: "Hello.",
    bot_definitions: null,
    bot_description: "A cartographer.",
    conversation: [
      { message: "Hello.", is_human: false },
      { message: "Hi!", is_human: true },
    ],
    ...fields,
  });

let t: TestCore;
const temp = makeTempDir();
beforeAll(async () => {
  t = await openTestCore();
});
afterAll(async () => {
  await t.close();
  temp.cleanup();
});

function file(name: string, content: string | Buffer): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}

const validate = (path: string, strict?: boolean) =>
  t.call("files.validatePippa", { path, ...(strict === undefined ? {} : { strict }) });

describe("files.validatePippa", () => {
  it("accepts a good file", async () => {
    const result = await validate(file("good.jsonl", `${record()}\n${record({ categories: null })}\n`), true);
    expect(result).toEqual({
      lines: 2,
      valid: 2,
      invalid: [],
      warnings: [],
      invalidCount: 0,
      warningCount: 0,
    });
  });

  it("names the line and the reason of every bad line", async () => {
    const lines = [
      record(),
      "{not json",
      JSON.stringify({ bot_id: ID }),
      record({ categories: "Fantasy" }),
      record({ submission_timestamp: 1.5 }),
      record({ conversation: [] }),
      record({ conversation: [{ message: "x", is_human: "yes" }] }),
      record({ bot_name: "  " }),
      record({ bot_definitions: 3 }),
      "[1,2]",
    ];
    const result = await validate(file("bad.jsonl", `${lines.join("\n")}\n`));
    expect(result.valid).toBe(1);
    expect(result.invalid).toEqual([
      { line: 2, reason: expect.stringMatching(/^not valid JSON/) },
      { line: 3, reason: expect.stringMatching(/^missing keys submission_timestamp, categories/) },
      { line: 4, reason: "categories must be a list of strings or null" },
      { line: 5, reason: "submission_timestamp must be a whole number of milliseconds" },
      { line: 6, reason: "conversation is empty" },
      { line: 7, reason: "conversation[0].is_human must be true or false" },
      { line: 8, reason: "bot_name is empty" },
      { line: 9, reason: "bot_definitions must be a string or null" },
      { line: 10, reason: "not a JSON object" },
    ]);
    expect(result.invalidCount).toBe(9);
  });

  it("refuses a line whose bytes are not UTF-8, and accepts a U+FFFD that is written as such", async () => {
    const good = Buffer.from(`${record({ bot_greeting: "a \uFFFD is fine" })}\n`);
    const bad = Buffer.from(`${record({ bot_greeting: "caf#" })}\n`);
    bad[bad.indexOf("#")] = 0xe9;
    const result = await validate(file("latin1.jsonl", Buffer.concat([good, bad])));
    expect(result).toMatchObject({ lines: 2, valid: 1, invalidCount: 1, warningCount: 0 });
    expect(result.invalid).toEqual([
      {
        line: 2,
        reason: "bytes that are not UTF-8 (PIPPA's loader reads the file as UTF-8 and would stop here)",
      },
    ]);
  });

  it("warns about what PIPPA's loader tolerates in foreign files, and refuses it in strict mode", async () => {
    const path = file(
      "foreign.jsonl",
      `${record({ source: "elsewhere", submission_timestamp: "1674795100921", bot_id: "unit-persona" })}\n`,
    );
    const lenient = await validate(path);
    expect(lenient).toMatchObject({ valid: 1, invalidCount: 0 });
    expect(lenient.warnings.map((w) => w.reason)).toEqual([
      "extra key source (PIPPA has exactly 8)",
      "submission_timestamp is a string, PIPPA writes an integer",
      "bot_id is not 43 URL-safe base64 characters like PIPPA's ids",
    ]);
    const strict = await validate(path, true);
    expect(strict).toMatchObject({ valid: 0, invalidCount: 1 });
    expect(strict.invalid[0]?.reason).toContain("extra key source");
  });

  it("reports a BOM, CRLF and lone CR line ends, blank lines and a missing final newline", async () => {
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${record()}\r\n${record()}\r\n\n${record()}\r${record()}`),
    ]);
    const path = file("crlf.jsonl", content);
    const lenient = await validate(path);
    expect(lenient).toMatchObject({ lines: 5, valid: 4, invalidCount: 0 });
    expect(lenient.warnings).toEqual([
      { line: 1, reason: "a UTF-8 byte-order mark (PIPPA files have none)" },
      { line: 1, reason: "line ends with CRLF (PIPPA uses \\n) (first seen here)" },
      { line: 3, reason: "blank line (PIPPA has one record per line)" },
      { line: 4, reason: "line ends with a lone CR (PIPPA uses \\n) (first seen here)" },
      { line: 5, reason: "the last line has no \\n" },
    ]);
    const strict = await validate(path, true);
    expect(strict.invalid.map((e) => e.line)).toEqual([1, 1, 2, 3, 4, 5]);
  });

  it("warns, with line numbers, about likely personal data", async () => {
    const lines = [
      record(),
      record({ conversation: [{ message: "Mail me: ada@example.com, +44 20 7946 0958", is_human: true }] }),
      record({ bot_description: "See https://example.org/me" }),
    ];
    const result = await validate(file("pii.jsonl", `${lines.join("\n")}\n`), true);
    expect(result).toMatchObject({ valid: 3, invalidCount: 0 });
    expect(result.warnings).toEqual([
      { line: 2, reason: 'possible personal data: email "ada@example.com", phone "+44 20 7946 0958"' },
      { line: 3, reason: 'possible personal data: url "https://example.org/me"' },
    ]);
  });

  it("refuses an empty file, and answers NOT_FOUND for a missing one", async () => {
    const empty = await validate(file("empty.jsonl", ""));
    expect(empty.invalid).toEqual([{ line: 0, reason: "the file is empty" }]);
    expect(await t.fail("files.validatePippa", { path: join(temp.dir, "nope.jsonl") })).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("applies the same rules to text in memory", () => {
    expect(validatePippaText(`${record()}\n`).invalidCount).toBe(0);
    expect(validatePippaText(`${record()}\r\n`).invalid[0]?.reason).toContain("CRLF");
    expect(validatePippaText(`\uFEFF${record()}\n`).invalid[0]?.reason).toContain("byte-order mark");
    expect(validatePippaText(record()).invalid[0]?.reason).toContain("no \\n");
  });
});

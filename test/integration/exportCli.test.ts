import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedChat } from "../fixtures/export/seed";
import { runMasque } from "../helpers/cli";
import { openTestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-export-cli-");
const dataDir = join(temp.dir, "data");
const out = (name: string) => join(temp.dir, name);
const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
let ids: { mira: number; rook: number; pii: number; clean: number; swiped: number };

beforeAll(async () => {
  const t = await openTestCore(dataDir);
  try {
    await t.call("settings.update", { userName: "Ada Lovelace" });
    const mira = await t.call("characters.create", { name: "Mira", greeting: "Hello, {{user}}." });
    const rook = await t.call("characters.create", { name: "Rook", greeting: "Ahoy." });
    const pii = await seedChat(t, mira.id, [
      { role: "user", text: "I'm Ada, write to ada@example.com or call +44 20 7946 0958." },
      { role: "character", text: "Noted." },
    ]);
    const clean = await seedChat(t, rook.id, [{ role: "user", text: "Hi, I'm Ada. Nice ship." }]);
    const swiped = await seedChat(t, rook.id, [
      { role: "user", text: "Sail?" },
      { role: "character", text: "Aye.", alternatives: ["Nay."] },
    ]);
    ids = { mira: mira.id, rook: rook.id, pii, clean, swiped };
  } finally {
    await t.close();
  }
});
afterAll(() => temp.cleanup());

describe("masque export pippa", () => {
  it("writes nothing and exits 1 when spans are flagged and not accepted", async () => {
    const file = out("refused.jsonl");
    const result = await masque("export", "pippa", "--all", "--out", file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^INVALID_INPUT: 2 spans flagged as possible personal data/);
    expect(result.stdout).toContain('[email] chat 1, message 1: "{{user}}@example.com"');
    expect(existsSync(file)).toBe(false);
    const json = await masque("export", "pippa", "--all", "--out", file, "--json");
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.flagged.map((f: { kind: string }) => f.kind)).toEqual(["email", "phone"]);
    expect(existsSync(file)).toBe(false);
  });

  it("with --accept-flagged writes the file and prints the documented JSON", async () => {
    const file = out("all.jsonl");
    const result = await masque("export", "pippa", "--all", "--out", file, "--accept-flagged", "--json");
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(["file", "chats", "messages", "redactions", "flagged"]);
    expect(Object.keys(report.redactions)).toEqual(["names", "emails", "phones", "urls", "other"]);
    expect(report).toMatchObject({
      file,
      chats: 3,
      messages: 8,
      redactions: { emails: 1, phones: 1, urls: 0, other: 0 },
    });
    expect(report.flagged).toHaveLength(2);
    const text = readFileSync(file, "utf8");
    expect(text.split("\n").filter(Boolean)).toHaveLength(3);
    expect(text).not.toMatch(/\bAda\b|example\.com|7946/);
    const check = await masque("validate", file, "--strict", "--json");
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ lines: 3, valid: 3, invalidCount: 0 });
  });

  it("selects with --chat and --character, writes at once when nothing is flagged, names unknown ids", async () => {
    const file = out("clean.jsonl");
    const clean = await masque(
      "export",
      "pippa",
      "--chat",
      String(ids.clean),
      "--chat",
      String(ids.swiped),
      "--out",
      file,
    );
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/Wrote .*clean\.jsonl: 2 chats, 5 messages/);
    const byCharacter = await masque(
      "export",
      "pippa",
      "--character",
      String(ids.rook),
      "--out",
      out("rook.jsonl"),
      "--json",
    );
    expect(JSON.parse(byCharacter.stdout).chats).toBe(2);
    const unknown = await masque("export", "pippa", "--chat", "999", "--out", out("x.jsonl"));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^NOT_FOUND: chat 999 does not exist/);
    const none = await masque("export", "pippa", "--out", out("x.jsonl"));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^INVALID_INPUT: export pippa needs exactly one of/);
    expect(existsSync(out("x.jsonl"))).toBe(false);
  });

  it("redacts aliases given with --alias", async () => {
    const file = out("alias.jsonl");
    const result = await masque(
      "export",
      "pippa",
      "--chat",
      String(ids.clean),
      "--alias",
      "Nice ship",
      "--out",
      file,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("Hi, I'm {{user}}. {{user}}.");
  });
});

describe("masque export metharme and sillytavern", () => {
  it("writes Metharme records per reply or per chat", async () => {
    const file = out("m.jsonl");
    const turn = await masque("export", "metharme", "--all", "--accept-flagged", "--out", file, "--json");
    expect(turn.code, turn.stderr).toBe(0);
    expect(JSON.parse(turn.stdout)).toMatchObject({ file, records: 2, chats: 3 });
    const lines = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines[0].prompt).toMatch(/^<\|system\|>.*<\|model\|>$/s);
    const chat = await masque(
      "export",
      "metharme",
      "--character",
      String(ids.rook),
      "--mode",
      "chat",
      "--out",
      file,
    );
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout).toContain("1 records from 2 chats");
    const bad = await masque("export", "metharme", "--all", "--mode", "book", "--out", file);
    expect(bad.stderr).toMatch(/^INVALID_INPUT: --mode must be turn or chat/);
  });

  it("exports a SillyTavern chat that imports into another library", async () => {
    const file = out("st.jsonl");
    const result = await masque("export", "sillytavern", "--chat", String(ids.swiped), "--out", file);
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(file, "utf8")
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ user_name: "Ada Lovelace", character_name: "Rook" });
    expect(lines.at(-1)).toMatchObject({ mes: "Aye.", swipes: ["Nay.", "Aye."], swipe_id: 1 });
    const other = join(temp.dir, "other");
    const imported = await runMasque(["--data-dir", other, "import", file, "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      format: "sillytavern",
      characters: { created: 1, updated: 0 },
    });
    expect(imported.stderr).toMatch(/warning: imported 1 chat \(id 1\) with 3 messages and 1 alternatives/);
    const shown = JSON.parse((await runMasque(["--data-dir", other, "chats", "show", "1", "--json"])).stdout);
    expect(shown.messages.map((m: { text: string }) => m.text)).toEqual(["Ahoy.", "Sail?", "Aye."]);
  });
});

describe("masque validate", () => {
  it("exits 0 on a good file, 1 with line numbers and reasons on a bad one", async () => {
    const good = out("all.jsonl");
    const ok = await masque("validate", good);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/3 lines, 3 valid, 0 invalid, 0 warnings/);
    const bad = out("bad.jsonl");
    const first = readFileSync(good, "utf8").split("\n")[0] as string;
    writeFileSync(bad, `${first}\n{oops\n${JSON.stringify({ ...JSON.parse(first), conversation: [] })}\n`);
    const result = await masque("validate", bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^INVALID_INPUT: 2 of 3 lines are invalid/);
    expect(result.stdout).toContain("line 2: error: not valid JSON");
    expect(result.stdout).toContain("line 3: error: conversation is empty");
    const json = await masque("validate", bad, "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      lines: 3,
      valid: 1,
      invalidCount: 2,
      invalid: [{ line: 2 }, { line: 3 }],
    });
    const missing = await masque("validate", out("missing.jsonl"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^NOT_FOUND: no such file/);
  });
});

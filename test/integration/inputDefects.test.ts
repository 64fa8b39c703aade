/**
 * Regression tests for input defects found by adversarial testing: each input once crashed, was
 * accepted silently or wrote partial data. Every import goes through the real core and database.
 */
import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b64json, buildZip, imageChunks, jsonBytes, pngCard, textChunk } from "../fixtures/cards/builders";
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

/** Imports `bytes` as `name` and expects CARD_INVALID matching `reason`, with nothing written. */
async function expectRefused(name: string, bytes: string | Uint8Array, reason: RegExp) {
  const before = librarySnapshot(t);
  const outcome = await runImport(t, write(name, bytes));
  expect(outcome.error?.code, JSON.stringify(outcome)).toBe("CARD_INVALID");
  expect(outcome.error?.message).toMatch(new RegExp(`^${name.replace(".", "\\.")}: ${reason.source}`));
  expect(librarySnapshot(t)).toEqual(before);
}

const MB = 1024 * 1024;
const v2 = (data: Record<string, unknown>) =>
  jsonBytes({ spec: "chara_card_v2", spec_version: "2.0", data: { name: "Big", ...data } });

describe("sizes", () => {
  it("refuses a PNG text chunk over the limit before decoding it", async () => {
    // Not even base64: a decoder would have refused it for that, so the size check came first.
    const chunk = textChunk("chara", "!".repeat(23 * MB));
    await expectRefused(
      "huge.png",
      pngCard([chunk]),
      /chara chunk: the chunk is 23 MB; the limit is 22 MB for a card's text chunk/,
    );
  });

  it("refuses fields longer than the editor allows, naming the field and the limit", async () => {
    await expectRefused(
      "long.json",
      v2({ description: "d".repeat(200_001), first_mes: "f".repeat(50_001) }),
      /description is 200,001 characters long \(limit 200,000\); first_mes is 50,001 characters long \(limit 50,000\)/,
    );
    await expectRefused(
      "greetings.png",
      pngCard([textChunk("chara", b64json({ name: "Many", alternate_greetings: Array(201).fill("hi") }))]),
      /alternate_greetings has 201 entries \(limit 200\)/,
    );
    // At the limits exactly, the card imports.
    const outcome = await runImport(t, write("edge.json", v2({ description: "d".repeat(200_000) })));
    expect(outcome.report?.characters.created).toBe(1);
  });

  it("refuses CHARX assets over the per-asset and total limits, from the declared sizes", async () => {
    const card = { path: "card.json", data: jsonBytes(V3_CARD) };
    const asset = (name: string, size: number) => ({
      path: `assets/other/other/${name}`,
      data: new Uint8Array(4),
      declaredSize: size,
    });
    await expectRefused(
      "fat.charx",
      buildZip([card, asset("a.bin", 48 * MB), asset("b.bin", 48 * MB)]),
      /asset "assets\/other\/other\/a\.bin" is 48 MB; the limit is 32 MB per asset/,
    );
    await expectRefused(
      "many.charx",
      buildZip([card, ...["a", "b", "c", "d"].map((n) => asset(`${n}.bin`, 26 * MB))]),
      /the assets together is 104 MB; the limit is 100 MB for all of a card's assets/,
    );
  });

  it("refuses an avatar over the limit, in a PNG and as a CHARX icon", async () => {
    const image = [...imageChunks(), { type: "prVt", data: new Uint8Array(21 * MB) }];
    await expectRefused(
      "wide.png",
      pngCard([textChunk("chara", b64json({ name: "Wide" }))], image),
      /the image is 21 MB; the limit is 20 MB for a card's picture/,
    );
    const card = structuredClone(V3_CARD) as { data: Record<string, unknown> };
    card.data.assets = [
      { type: "icon", uri: "embeded://assets/icon/images/main.png", name: "main", ext: "png" },
    ];
    const icon = { path: "assets/icon/images/main.png", data: new Uint8Array(4), declaredSize: 25 * MB };
    await expectRefused(
      "icon.charx",
      buildZip([{ path: "card.json", data: jsonBytes(card) }, icon]),
      /the icon "assets\/icon\/images\/main\.png" is 25 MB; the limit is 20 MB for a card's picture/,
    );
  });

  it("refuses a card file over 128 MB before reading it", async () => {
    const path = write("sparse.png", pngCard([textChunk("chara", b64json({ name: "Sparse" }))]));
    truncateSync(path, 129 * MB);
    const outcome = await runImport(t, path);
    expect(outcome.error).toEqual({
      code: "CARD_INVALID",
      message: "sparse.png: the file is 129 MB; the limit is 128 MB for a card file",
    });
  });
});

describe("API inputs found by fuzzing", () => {
  it("refuses card extensions that cannot be stored as JSON with INVALID_INPUT, writing nothing", async () => {
    const { id } = await t.call("characters.create", { name: "Plain" });
    const deep: unknown[] = [];
    let tip = deep;
    for (let i = 0; i < 20_000; i++) {
      const next: unknown[] = [];
      tip.push(next);
      tip = next;
    }
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    for (const [extensions, reason] of [
      [{ deep }, "is nested deeper than 98 levels"],
      [{ big: 10n }, "holds a bigint, which JSON cannot carry"],
      [loop, "is nested deeper than 98 levels"],
    ] as const) {
      const before = librarySnapshot(t);
      const error = await t.fail("characters.update", { id, data: { extensions } });
      expect(error.code).toBe("INVALID_INPUT");
      expect(error.message).toContain(`data.extensions: ${reason}`);
      expect(librarySnapshot(t)).toEqual(before);
    }
    const book = await t.fail("characters.update", { id, data: { character_book: { entries: deep } } });
    expect(book.message).toContain("data.character_book: is nested deeper than 98 levels");
  });

  it("treats a settings key given as undefined as no change", async () => {
    const before = await t.call("settings.get", {});
    const after = await t.call("settings.update", { userName: undefined, theme: "dark" } as never);
    expect(after).toEqual({ ...before, theme: "dark" });
  });
});

describe("dates no Date can hold", () => {
  it("imports a SillyTavern chat dated out of range with a readable date (found by fuzzing)", async () => {
    const header = JSON.stringify({
      user_name: "You",
      character_name: "Far Future",
      create_date: -8_640_000_000_000_001,
    });
    const message = JSON.stringify({ name: "Far Future", is_user: false, mes: "Hi.", send_date: 1e300 });
    const outcome = await runImport(t, write("future.jsonl", `${header}\n${message}\n`));
    expect(outcome.report?.format).toBe("sillytavern");
    const chat = (await t.call("chats.list", {})).find((c) => c.characterName === "Far Future");
    expect(chat).toBeDefined();
    const view = await t.call("chats.get", { chatId: chat?.id as number });
    for (const m of view.messages) expect(() => new Date(m.createdAt).toISOString()).not.toThrow();
  });
});

describe("inputs once accepted silently", () => {
  it("warns with the line number about PIPPA and SillyTavern lines that are not UTF-8", async () => {
    const bad = Buffer.from(PIPPA_LINE.replace("Hello.", "Hello \u0001."));
    const invalid = Buffer.concat([
      bad.subarray(0, bad.indexOf(1)),
      Buffer.from([0xff, 0xfe]),
      bad.subarray(bad.indexOf(1) + 1),
    ]);
    const pippa = await runImport(t, write("latin.jsonl", Buffer.concat([invalid, Buffer.from("\n")])));
    expect(pippa.report?.warnings).toEqual([
      "line 1: bytes that are not UTF-8 were replaced by U+FFFD (\uFFFD)",
    ]);
    const header = JSON.stringify({ user_name: "You", character_name: "Latin" });
    const st = Buffer.concat([
      Buffer.from(`${header}\n${JSON.stringify({ name: "Latin", is_user: false, mes: "ok" })}\n`),
      Buffer.from('{"name":"You","is_user":true,"mes":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n'),
    ]);
    const chat = await runImport(t, write("latin-st.jsonl", st));
    expect(chat.report?.warnings).toContain(
      "line 3: bytes that are not UTF-8 were replaced by U+FFFD (\uFFFD)",
    );
  });

  it("refuses CHARX symbolic links, NUL in names and local names that differ, naming the entry", async () => {
    const card = { path: "card.json", data: jsonBytes(V3_CARD) };
    const link = { path: "assets/other/other/passwd", data: Buffer.from("/etc/passwd"), unixMode: 0o120777 };
    await expectRefused(
      "link.charx",
      buildZip([card, link]),
      /zip entry "assets\/other\/other\/passwd" is refused: it is a symbolic link/,
    );
    const nul = { path: "assets/a\u0000.png", data: new Uint8Array(3) };
    await expectRefused(
      "nul.charx",
      buildZip([card, nul]),
      /zip entry "assets\/a\\u0000\.png" is refused: its path contains a NUL/,
    );
    const twoNames = { path: "assets/ok.png", localPath: "../../evil.png", data: new Uint8Array(3) };
    await expectRefused(
      "names.charx",
      buildZip([card, twoNames]),
      /zip entry "assets\/ok\.png" is refused: its local header names another file/,
    );
    // A regular file made on Unix (mode 100644) is fine.
    const regular = { path: "assets/other/other/fine.txt", data: Buffer.from("fine"), unixMode: 0o100644 };
    expect(
      (await runImport(t, write("fine.charx", buildZip([card, regular])))).report?.characters.created,
    ).toBe(1);
  });

  it("keeps V3 assets with file://, remote and ../ URIs, never fetched, with a warning naming each", async () => {
    const card = structuredClone(V3_CARD) as { data: Record<string, unknown> };
    card.data.name = "Far";
    card.data.assets = [
      { type: "icon", uri: "ccdefault:", name: "main", ext: "png" },
      { type: "background", uri: "file:///etc/passwd", name: "secrets", ext: "png" },
      { type: "emotion", uri: "https://tracker.example/pixel.png", name: "happy", ext: "png" },
      { type: "emotion", uri: "embeded://../../outside.png", name: "sad", ext: "png" },
      { type: "emotion", uri: "../relative.png", name: "calm", ext: "png" },
      { type: "emotion", uri: "data:image/png;base64,AAAA", name: "inline", ext: "png" },
    ];
    const outcome = await runImport(t, write("far.json", jsonBytes(card)));
    expect(outcome.report?.warnings).toEqual([
      'assets[1] ("secrets") is a local file URI (file:///etc/passwd); kept in the card, never opened or fetched',
      'assets[2] ("happy") is a remote URL (https://tracker.example/pixel.png); kept in the card, never opened or fetched',
      'assets[3] ("sad") points outside the card (embeded://../../outside.png: its path contains ..); kept in the card, never opened or fetched',
      'assets[4] ("calm") is not an embedded, data or ccdefault URI (../relative.png); kept in the card, never opened or fetched',
    ]);
    const id = outcome.report?.characterIds[0] as number;
    expect((await t.call("characters.get", { id })).data.assets).toEqual(card.data.assets);
  });
});

import { describe, expect, it } from "vitest";
import { encodeCharacterBook } from "../../../electron/services/lore/characterBook";
import { readLorebookFile } from "../../../electron/services/lore/readLorebookFile";
import { encodeWorldInfo } from "../../../electron/services/lore/worldInfo";
import type { Lorebook, LoreEntry } from "../../../shared/domain/lore";
import { MasqueError } from "../../../shared/errors";
import { b64json, pngCard, textChunk } from "../../fixtures/cards/builders";
import { CHARACTER_BOOK, fixtureBytes, fixtureJson, LOREBOOK_V3, WORLD_INFO } from "./fixtures";

const enc = new TextEncoder();
const bytesOf = (value: unknown) => enc.encode(typeof value === "string" ? value : JSON.stringify(value));
const read = (name: string) => readLorebookFile(fixtureBytes(name), name);
/** What storage does to a book: JSON out and back. */
const stored = (book: Lorebook): Lorebook => JSON.parse(JSON.stringify(book)) as Lorebook;
const entry = (book: Lorebook, uid: number) => book.entries.find((e) => e.uid === uid) as LoreEntry;
/** The normalized meaning of a book, without how it was written. */
const meaning = (book: Lorebook) =>
  book.entries.map(({ source: _s, ...rest }) => rest).sort((a, b) => a.uid - b.uid);

describe("lossless round trips", () => {
  it.each([
    ["world info", WORLD_INFO, encodeWorldInfo],
    ["a card book", CHARACTER_BOOK, encodeCharacterBook],
    ["a standalone V3 book", LOREBOOK_V3, encodeCharacterBook],
  ] as const)("export(import(x)) deep-equals x for %s, also after storage", (_name, file, encode) => {
    const { book } = read(file);
    expect(encode(book)).toEqual(fixtureJson(file));
    expect(encode(stored(book))).toEqual(fixtureJson(file));
    expect(JSON.stringify(encode(book))).toBe(JSON.stringify(fixtureJson(file)));
  });

  it("changes only what was edited", () => {
    const { book } = read(WORLD_INFO);
    const edited = stored(book);
    entry(edited, 3).content = "Queen Mira lost her crown.";
    entry(edited, 1).position = { at: "depth", depth: 3, role: "character" };
    const out = encodeWorldInfo(edited) as { entries: Record<string, Record<string, unknown>> };
    const original = fixtureJson(WORLD_INFO) as { entries: Record<string, Record<string, unknown>> };
    expect(out.entries["3"]).toEqual({ ...original.entries["3"], content: "Queen Mira lost her crown." });
    expect(out.entries["1"]).toEqual({ ...original.entries["1"], position: 4, depth: 3, role: 2 });
    expect(out.entries["0"]).toEqual(original.entries["0"]);
  });

  it.each([
    ["world info → card book → world info", WORLD_INFO, encodeCharacterBook, "b.json"],
    ["card book → world info → card book", CHARACTER_BOOK, encodeWorldInfo, "b.json"],
  ] as const)("%s keeps every entry's meaning and unknown fields", (_name, file, across, name) => {
    const { book } = read(file);
    const converted = readLorebookFile(bytesOf(across(book)), name).book;
    expect(meaning(converted)).toEqual(meaning(book));
  });
});

describe("world info is read as SillyTavern writes it", () => {
  const { book, origin } = read(WORLD_INFO);

  it("detects the format and names the book after the file", () => {
    expect(origin).toBe("worldinfo");
    expect(book.name).toBe("world-info");
    expect(book.entries.map((e) => e.uid)).toEqual([0, 1, 2, 3, 4, 5, 7, 9]);
  });

  it.each([
    [0, { keys: ["Eldoria", "the kingdom"], position: { at: "before-character" }, selective: true }],
    [
      1,
      { logic: "and-all", secondaryKeys: ["fire", "ice"], position: { at: "after-character" }, scanDepth: 4 },
    ],
    [2, { constant: true, position: { at: "depth", depth: 2, role: "user" }, insertionOrder: 10 }],
    [3, { probability: 50, caseSensitive: true, wholeWords: false, selective: false }],
    [4, { enabled: false }],
    [5, { logic: "not-any", probability: 100, delayUntilRecursion: 1 }],
    [7, { logic: "not-all", position: { at: "note-top" }, preventRecursion: true, excludeRecursion: true }],
    [9, { position: { at: "unsupported", code: 7 } }],
  ] as const)("entry %i", (uid, expected) => {
    expect(entry(book, uid)).toMatchObject(expected);
  });

  it("keeps the fields it does not use, named as a card book names them", () => {
    expect(entry(book, 1).extensions).toMatchObject({ group: "beasts", group_override: true, sticky: 2 });
    expect(entry(book, 7).extensions).toMatchObject({
      characterFilter: { isExclude: false, names: ["Mira.png"], tags: [] },
      myToolNotes: { reviewed: true },
    });
    expect(entry(book, 9).extensions).toMatchObject({ outletName: "sidebar" });
  });
});

describe("card books are read as the specs and SillyTavern write them", () => {
  it("reads the spec fields and ST's extensions", () => {
    const { book, origin } = read(CHARACTER_BOOK);
    expect(origin).toBe("character_book");
    expect(book).toMatchObject({
      name: "Harbor town",
      scanDepth: 3,
      tokenBudget: 400,
      recursiveScanning: true,
    });
    expect(book.entries.map((e) => e.uid)).toEqual([1, 2, 7, 8]);
    expect(entry(book, 2)).toMatchObject({ name: "Rell", priority: 5, caseSensitive: true });
    expect(entry(book, 2).position).toEqual({ at: "after-character" });
    expect(entry(book, 7)).toMatchObject({
      position: { at: "depth", depth: 1, role: "character" },
      logic: "not-all",
      probability: 75,
      extensions: { agnai: { weight: 3 } },
    });
    expect(entry(book, 8)).toMatchObject({ constant: true, enabled: false });
  });

  it("reads a V3 book with regex keys and string ids", () => {
    const { book } = read(LOREBOOK_V3);
    expect(book.name).toBe("Sky isles");
    expect(book.entries.map((e) => [e.uid, e.keys[0]])).toEqual([
      [0, "/Zor(a|o)/"],
      [3, "bridge"],
    ]);
  });

  it("takes the embedded book of a PNG card", () => {
    const card = {
      spec: "chara_card_v2",
      spec_version: "2.0",
      data: { name: "Rell", character_book: fixtureJson(CHARACTER_BOOK) },
    };
    const imported = readLorebookFile(pngCard([textChunk("chara", b64json(card))]), "rell.png");
    expect(imported.origin).toBe("card");
    expect(encodeCharacterBook(imported.book)).toEqual(fixtureJson(CHARACTER_BOOK));
  });
});

describe("bad input is refused naming the file, the entry and the field", () => {
  const worldInfo = (entries: unknown) => ({ entries });
  it.each([
    ["an empty file", "", "IMPORT_FAILED", /bad\.json: the file is empty/],
    ["not JSON", "{oops", "IMPORT_FAILED", /bad\.json: the file is not valid JSON/],
    ["no entries", { name: "x" }, "IMPORT_FAILED", /not a lorebook/],
    ["an Agnai memory book", { kind: "memory", entries: [] }, "IMPORT_FAILED", /Agnai/],
    [
      "keys as an object",
      worldInfo({ 3: { key: { a: 1 } } }),
      "IMPORT_FAILED",
      /entries\["3"\]\.key must be a list/,
    ],
    [
      "a key list item",
      worldInfo({ 3: { key: ["a", {}] } }),
      "IMPORT_FAILED",
      /entries\["3"\]\.key\[1\] must be text/,
    ],
    [
      "a probability of 150",
      worldInfo({ 0: { probability: 150 } }),
      "IMPORT_FAILED",
      /entries\["0"\]\.probability must be at most 100/,
    ],
    ["role 5", worldInfo({ 0: { position: 4, role: 5 } }), "IMPORT_FAILED", /entries\["0"\]\.role must be 0/],
    ["logic 9", worldInfo({ 0: { selectiveLogic: 9 } }), "IMPORT_FAILED", /entries\["0"\]\.selectiveLogic/],
    ["an entry that is a list", worldInfo({ 2: [] }), "IMPORT_FAILED", /entries\["2"\] must be an object/],
    [
      "a broken regex key",
      worldInfo({ 4: { key: ["ok", "/(unclosed/"] } }),
      "IMPORT_FAILED",
      /entries\["4"\]\.key\[1\]: the key \/\(unclosed\/ is not a valid regular expression/,
    ],
    [
      "card book keys as an object",
      { entries: [{ keys: ["a"] }, { keys: {} }] },
      "IMPORT_FAILED",
      /character_book\.entries\[1\]\.keys must be a list/,
    ],
    [
      "card book depth -1",
      { entries: [{ keys: ["a"], extensions: { depth: -1 } }] },
      "IMPORT_FAILED",
      /entries\[0\]\.extensions\.depth must be at least 0/,
    ],
    [
      "a card without a book",
      { spec: "chara_card_v2", spec_version: "2.0", data: { name: "Nobody" } },
      "IMPORT_FAILED",
      /the card "Nobody" has no embedded lorebook/,
    ],
    [
      "a card whose book is broken",
      { spec: "chara_card_v2", data: { name: "B", character_book: { entries: [{ keys: ["/[/"] }] } } },
      "CARD_INVALID",
      /character_book\.entries\[0\]\.keys\[0\]/,
    ],
  ] as const)("%s", (_name, content, code, message) => {
    let error: unknown;
    try {
      readLorebookFile(bytesOf(content), "bad.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MasqueError);
    expect((error as MasqueError).code).toBe(code);
    expect((error as MasqueError).message).toMatch(message);
  });
});

/** `masque personas …` and `masque lorebooks …` as a user runs them: a real process, a real database. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b64json, pngCard, textChunk } from "../fixtures/cards/builders";
import { runMasque } from "../helpers/cli";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-lore-cli-");
const dataDir = join(temp.dir, "data");
const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
const fixture = (name: string) => join(import.meta.dirname, "..", "fixtures", "lore", name);
const fixtureJson = (name: string) => JSON.parse(readFileSync(fixture(name), "utf8")) as unknown;
const file = (name: string) => join(temp.dir, name);
afterAll(() => temp.cleanup());

async function ok(...args: string[]) {
  const result = await masque(...args);
  expect(result.code, result.stderr).toBe(0);
  return result;
}
const okJson = async <T>(...args: string[]) => JSON.parse((await ok(...args, "--json")).stdout) as T;

describe("masque personas", () => {
  it("creates, lists and chooses the default persona", async () => {
    const alex = await okJson<{ id: number; name: string; isDefault: boolean }>(
      "personas",
      "create",
      "--name",
      "Alex",
      "--description",
      "A courier between the islands.",
    );
    expect(alex).toMatchObject({
      name: "Alex",
      description: "A courier between the islands.",
      isDefault: false,
    });
    const sam = await okJson<{ id: number }>("personas", "create", "--name", "Sam");

    const used = await ok("personas", "use", String(sam.id));
    expect(used.stdout).toBe(`Default persona: Sam (#${sam.id})\n`);
    const listed = await okJson<{ id: number; name: string; isDefault: boolean }[]>("personas", "list");
    expect(listed.map((p) => [p.name, p.isDefault])).toEqual([
      ["Alex", false],
      ["Sam", true],
    ]);
    expect((await ok("personas", "list")).stdout).toContain("Sam  (default)");
  });

  it.each([
    [["personas", "create"], /INVALID_INPUT: personas create needs --name NAME/],
    [["personas", "create", "--name", "  "], /INVALID_INPUT: personas.create: name: name must not be empty/],
    [["personas", "use", "99"], /NOT_FOUND: persona 99 does not exist/],
    [["personas", "use", "x"], /INVALID_INPUT: PERSONA_ID must be a positive whole number/],
  ])("refuses %j", async (args, message) => {
    const result = await masque(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

describe("masque lorebooks", () => {
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const card = {
      spec: "chara_card_v2",
      spec_version: "2.0",
      data: { name: "Rell", description: "A captain.", character_book: fixtureJson("character-book.json") },
    };
    writeFileSync(file("rell.png"), pngCard([textChunk("chara", b64json(card))]));
  });

  it.each([
    ["world-info.json", "world-info", 8],
    ["character-book.json", "Harbor town", 4],
    ["lorebook-v3.json", "Sky isles", 2],
  ])("imports %s and prints {id, name, entries}", async (name, bookName, entries) => {
    const result = await okJson<Record<string, unknown>>("lorebooks", "import", fixture(name));
    expect(Object.keys(result)).toEqual(["id", "name", "entries"]);
    expect(result).toMatchObject({ name: bookName, entries });
    ids[name] = result.id as number;
  });

  it("takes the embedded book of a card file", async () => {
    const result = await ok("lorebooks", "import", file("rell.png"));
    expect(result.stdout).toMatch(
      /^Imported lorebook \d+: Harbor town \(4 entries, from a character card\)\n$/,
    );
  });

  it("lists and shows books", async () => {
    const list = await okJson<{ id: number; name: string; entries: number }[]>("lorebooks", "list");
    expect(list.map((b) => b.name).sort()).toEqual(["Harbor town", "Harbor town", "Sky isles", "world-info"]);
    const shown = await okJson<{ entries: { uid: number; keys: string[] }[] }>(
      "lorebooks",
      "show",
      String(ids["world-info.json"]),
    );
    expect(shown.entries.map((e) => e.uid)).toEqual([0, 1, 2, 3, 4, 5, 7, 9]);
    expect(shown.entries[1]).not.toHaveProperty("source");
    const human = await ok("lorebooks", "show", String(ids["world-info.json"]));
    expect(human.stdout).toContain("[1] Dragons of fire and ice  — after-character");
    expect(human.stdout).toContain("keys: /dragons?/i  and-all: fire, ice");
  });

  it.each([
    ["world-info.json", "worldinfo"],
    ["character-book.json", "character_book"],
    ["lorebook-v3.json", "character_book"],
  ])("exports %s back as %s, deep-equal to the file it came from", async (name, format) => {
    const out = file(`${name}.out.json`);
    await ok("lorebooks", "export", String(ids[name]), "--format", format, "--out", out);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(fixtureJson(name));
  });

  it("converts world info to a card book that imports back with the same entries", async () => {
    const out = file("converted.json");
    await ok(
      "lorebooks",
      "export",
      String(ids["world-info.json"]),
      "--format",
      "character_book",
      "--out",
      out,
    );
    const converted = JSON.parse(readFileSync(out, "utf8")) as { entries: { keys: string[] }[] };
    expect(converted.entries).toHaveLength(8);
    expect(converted.entries[1]?.keys).toEqual(["/dragons?/i"]);
    const back = await okJson<{ entries: number }>("lorebooks", "import", out);
    expect(back.entries).toBe(8);
  });

  it("attaches and detaches books", async () => {
    const character = await okJson<{ id: number }>("characters", "create", "--name", "Aria");
    const book = String(ids["character-book.json"]);
    await ok("lorebooks", "attach", book, "--global");
    const attached = await okJson<{ attachments: unknown[] }>(
      "lorebooks",
      "attach",
      book,
      "--character",
      String(character.id),
    );
    expect(attached.attachments).toEqual([
      { scope: "character", targetId: character.id },
      { scope: "global", targetId: null },
    ]);
    const detached = await okJson<{ attachments: unknown[] }>("lorebooks", "detach", book, "--global");
    expect(detached.attachments).toEqual([{ scope: "character", targetId: character.id }]);
    const missing = await masque("lorebooks", "attach", book, "--chat", "999");
    expect(missing.stderr).toMatch(/^NOT_FOUND: chat 999 does not exist/);
  });

  it("refuses a broken file naming the entry and the field, and stores nothing", async () => {
    const before = await okJson<unknown[]>("lorebooks", "list");
    writeFileSync(
      file("bad.json"),
      JSON.stringify({ entries: { 0: { key: ["ok"] }, 3: { key: { a: 1 } } } }),
    );
    const result = await masque("lorebooks", "import", file("bad.json"));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^IMPORT_FAILED: bad\.json: entries\["3"\]\.key must be a list of keys, not an object/,
    );
    const cardWithout = file("plain.json");
    writeFileSync(cardWithout, JSON.stringify({ spec: "chara_card_v2", data: { name: "Plain" } }));
    const plain = await masque("lorebooks", "import", cardWithout);
    expect(plain.stderr).toMatch(/^IMPORT_FAILED: plain\.json: the card "Plain" has no embedded lorebook/);
    expect(await okJson<unknown[]>("lorebooks", "list")).toEqual(before);
  });

  it.each([
    [
      ["lorebooks", "export", "1", "--out", "x.json"],
      /INVALID_INPUT: lorebooks export needs --format worldinfo\|character_book/,
    ],
    [
      ["lorebooks", "export", "1", "--format", "worldinfo"],
      /INVALID_INPUT: lorebooks export needs --out FILE/,
    ],
    [["lorebooks", "show", "999"], /NOT_FOUND: lorebook 999 does not exist/],
    [["lorebooks", "attach", "1"], /INVALID_INPUT: lorebooks attach needs exactly one of/],
    [["lorebooks", "import", "/no/such/file.json"], /NOT_FOUND: no such file: \/no\/such\/file\.json/],
  ])("refuses %j", async (args, message) => {
    const result = await masque(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

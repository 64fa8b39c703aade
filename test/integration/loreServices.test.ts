/** Personas, lorebooks and notes through the core's dispatcher and the services, on a real database. */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoreServices } from "../../electron/services/lore";
import { CharacterRepository } from "../../electron/storage/characterRepository";
import { ChatRepository } from "../../electron/storage/chatRepository";
import { createConfSettings } from "../../electron/storage/confSettings";
import { openDatabase } from "../../electron/storage/database";
import { type CharacterBook, emptyCardData } from "../../shared/domain/card";
import { activateLore } from "../../shared/prompt/lore/activate";
import { ICON_PNG } from "../fixtures/cards/cards";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";

const fixture = (name: string) => join(import.meta.dirname, "..", "fixtures", "lore", name);
const png = { mimeType: "image/png", dataBase64: Buffer.from(ICON_PNG).toString("base64") };

describe("through the dispatcher", () => {
  let t: TestCore;
  let characterId: number;
  let chatId: number;

  beforeAll(async () => {
    t = await openTestCore();
    const character = await t.call("characters.create", { name: "Rell", greeting: "Ahoy." });
    characterId = character.id;
    await t.call("characters.update", {
      id: characterId,
      data: { character_book: JSON.parse(readFileSync(fixture("character-book.json"), "utf8")) },
    });
    chatId = (await t.call("chats.create", { characterId })).chat.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("personas: avatar, edit, default, per-chat choice, delete", async () => {
    const alex = await t.call("personas.create", { name: "Alex", avatar: png, makeDefault: true });
    expect(alex).toMatchObject({ hasAvatar: true, isDefault: true, position: "prefix" });
    expect(await t.call("personas.avatar", { id: alex.id })).toEqual(png);
    const sam = await t.call("personas.create", { name: "Sam", description: "A mechanic." });

    expect(await t.call("personas.forChat", { chatId })).toMatchObject({
      chosenId: null,
      persona: { id: alex.id },
    });
    expect(await t.call("personas.setForChat", { chatId, personaId: sam.id })).toMatchObject({
      chosenId: sam.id,
      persona: { name: "Sam" },
    });
    const edited = await t.call("personas.update", {
      id: sam.id,
      name: "Samira",
      position: "depth",
      depth: 2,
    });
    expect(edited).toMatchObject({ name: "Samira", description: "A mechanic.", position: "depth", depth: 2 });
    await t.call("personas.update", { id: alex.id, avatar: null });
    expect(await t.call("personas.avatar", { id: alex.id })).toBeNull();

    await t.call("personas.delete", { id: sam.id });
    // The chat's choice is gone with the persona: it follows the default again.
    expect(await t.call("personas.forChat", { chatId })).toMatchObject({
      chosenId: null,
      persona: { id: alex.id },
    });
    expect(await t.call("personas.setDefault", { id: null })).toBeNull();
    expect((await t.call("personas.forChat", { chatId })).persona).toBeNull();
  });

  it.each([
    [
      { name: "A", avatar: { mimeType: "image/jpeg", dataBase64: png.dataBase64 } },
      /avatar: the data is image\/png, not image\/jpeg/,
    ],
    [
      { name: "A", avatar: { mimeType: "image/png", dataBase64: "!!" } },
      /avatar\.dataBase64 is not valid base64/,
    ],
    [
      { name: "A", avatar: { mimeType: "text/html", dataBase64: "PGI+" } },
      /must be a PNG, JPEG, WebP or GIF/,
    ],
    [{ name: "A", depth: -1 }, /depth/],
  ])("refuses a bad persona %#", async (input, message) => {
    const error = await t.fail("personas.create", input);
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toMatch(message);
  });

  it("notes: the settings' default until the chat has its own", async () => {
    await t.call("settings.update", {
      authorNote: "Stay in the harbor.",
      authorNoteDepth: 2,
      authorNoteEvery: 3,
    });
    expect(await t.call("notes.get", { chatId })).toEqual({
      chatId,
      own: null,
      effective: { text: "Stay in the harbor.", depth: 2, every: 3 },
    });
    const own = { text: "Rain tonight.", depth: 0, every: 1 };
    expect(await t.call("notes.set", { chatId, note: own })).toMatchObject({ own, effective: own });
    expect((await t.call("notes.set", { chatId, note: null })).effective.text).toBe("Stay in the harbor.");
    expect((await t.fail("notes.set", { chatId, note: { text: "x", depth: 0, every: 0 } })).code).toBe(
      "INVALID_INPUT",
    );
    expect((await t.fail("notes.get", { chatId: 999 })).code).toBe("NOT_FOUND");
  });

  it("the books a chat scans: global, its character's, its own, and the card's", async () => {
    const world = await t.call("lorebooks.import", { source: { path: fixture("world-info.json") } });
    const isles = await t.call("lorebooks.import", { source: { path: fixture("lorebook-v3.json") } });
    const other = await t.call("lorebooks.create", { name: "Unused" });
    await t.call("lorebooks.attach", { id: world.id, scope: "global" });
    await t.call("lorebooks.attach", { id: isles.id, scope: "chat", targetId: chatId });
    await t.call("lorebooks.attach", { id: isles.id, scope: "character", targetId: characterId });
    expect(await t.call("lorebooks.forChat", { chatId })).toEqual([
      { key: `lorebook:${world.id}`, name: "world-info", entries: 8, via: "global" },
      { key: `lorebook:${isles.id}`, name: "Sky isles", entries: 2, via: "chat" },
      { key: `character:${characterId}`, name: "Harbor town", entries: 4, via: "card" },
    ]);
    expect((await t.call("lorebooks.forChat", { chatId })).map((b) => b.key)).not.toContain(
      `lorebook:${other.id}`,
    );
    expect(
      (await t.fail("lorebooks.attach", { id: world.id, scope: "global", targetId: 3 })).message,
    ).toMatch(/a global attachment has no target/);
    expect((await t.fail("lorebooks.attach", { id: world.id, scope: "character" })).message).toMatch(
      /needs its id/,
    );
    expect((await t.fail("lorebooks.attach", { id: world.id, scope: "character", targetId: 999 })).code).toBe(
      "NOT_FOUND",
    );
  });

  it("the editor: add, change and delete entries; export keeps what was not touched", async () => {
    const book = await t.call("lorebooks.import", { source: { path: fixture("world-info.json") } });
    const added = await t.call("lorebooks.saveEntry", {
      lorebookId: book.id,
      entry: {
        keys: ["Vale"],
        content: "Vale is a valley.",
        position: { at: "depth", depth: 2, role: "user" },
      },
    });
    expect(added).toMatchObject({ uid: 10, keys: ["Vale"], enabled: true, probability: 100 });
    const changed = await t.call("lorebooks.saveEntry", {
      lorebookId: book.id,
      entry: { uid: 3, content: "Mira has no crown." },
    });
    expect(changed).toMatchObject({ uid: 3, keys: ["Mira"], probability: 50, content: "Mira has no crown." });
    await t.call("lorebooks.deleteEntry", { lorebookId: book.id, uid: 4 });
    const updated = await t.call("lorebooks.update", { id: book.id, name: "Eldoria", scanDepth: 4 });
    expect(updated).toMatchObject({ name: "Eldoria", scanDepth: 4 });
    expect(updated.entries.map((e) => e.uid)).toEqual([0, 1, 2, 3, 5, 7, 9, 10]);

    const exported = await t.call("lorebooks.export", { id: book.id, format: "worldinfo" });
    expect(exported.fileName).toBe("eldoria.world-info.json");
    const json = JSON.parse(Buffer.from(exported.dataBase64, "base64").toString("utf8"));
    const original = JSON.parse(readFileSync(fixture("world-info.json"), "utf8"));
    expect(json.entries["1"]).toEqual(original.entries["1"]);
    expect(json.entries["3"]).toEqual({ ...original.entries["3"], content: "Mira has no crown." });
    expect(json.entries["4"]).toBeUndefined();
    expect(json.entries["10"]).toMatchObject({ uid: 10, key: ["Vale"], position: 4, depth: 2, role: 1 });
    expect(json.originalData).toEqual(original.originalData);

    const bad = await t.fail("lorebooks.saveEntry", {
      lorebookId: book.id,
      entry: { keys: ["fine", "/(/"] },
    });
    expect(bad).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/^entry\.keys\[1\]: the key \/\(\//),
    });
    expect((await t.fail("lorebooks.saveEntry", { lorebookId: book.id, entry: { uid: 77 } })).code).toBe(
      "NOT_FOUND",
    );
    expect((await t.fail("lorebooks.deleteEntry", { lorebookId: book.id, uid: 4 })).code).toBe("NOT_FOUND");
  });

  it("imports an upload and deletes it afterwards", async () => {
    const uploadId = randomUUID();
    mkdirSync(t.core.uploadsDir, { recursive: true });
    const path = join(t.core.uploadsDir, `${uploadId}.upload`);
    writeFileSync(path, readFileSync(fixture("character-book.json")));
    const result = await t.call("lorebooks.import", { source: { uploadId }, fileName: "harbor.json" });
    expect(result).toMatchObject({ name: "Harbor town", entries: 4, origin: "character_book", warnings: [] });
    expect(existsSync(path)).toBe(false);
  });

  it("deleting a book removes its entries and attachments", async () => {
    const book = await t.call("lorebooks.import", { source: { path: fixture("lorebook-v3.json") } });
    await t.call("lorebooks.attach", { id: book.id, scope: "chat", targetId: chatId });
    await t.call("lorebooks.delete", { id: book.id });
    expect((await t.call("lorebooks.forChat", { chatId })).map((b) => b.key)).not.toContain(
      `lorebook:${book.id}`,
    );
    expect((await t.fail("lorebooks.get", { id: book.id })).code).toBe("NOT_FOUND");
  });
});

describe("services used by the prompt and the export", () => {
  const temp = makeTempDir("masque-lore-services-");
  const database = openDatabase(temp.dir);
  const characters = new CharacterRepository(database);
  const chats = new ChatRepository(database);
  const services = createLoreServices(
    database,
    characters,
    createConfSettings(temp.dir),
    join(temp.dir, "uploads"),
  );
  afterAll(() => {
    database.close();
    temp.cleanup();
  });

  it("every persona name a chat was written under, for the export's redaction", () => {
    const { personas } = services;
    const character = characters.create({
      spec: "chara_card_v2",
      spec_version: "2.0",
      data: emptyCardData("Aria"),
    });
    const chatId = chats.createChat(character.id, "Aria", "Hi.");
    const other = chats.createChat(character.id, "Aria 2", "Hi.");
    const alex = personas.create({ name: "Alex" });
    expect(personas.namesUsedByChat(chatId)).toEqual([]);
    personas.setDefault(alex.id);
    expect(personas.promptPersona(chatId)?.name).toBe("Alex");
    personas.update({ id: alex.id, name: "Alexander" });
    const kim = personas.create({ name: "Kim" });
    personas.setForChat(chatId, kim.id);
    personas.delete(kim.id);
    // Alex (used in a prompt), Kim (chosen, then deleted) and Alexander (what the chat uses now).
    expect(personas.namesUsedByChat(chatId)).toEqual(["Alexander", "Alex", "Kim"]);
    expect(personas.namesUsedByChat(other)).toEqual(["Alexander"]);
  });

  it("the books a chat scans fire entries with the app's lore settings, the card's book included", () => {
    const { lorebooks } = services;
    const data = {
      ...emptyCardData("Rell"),
      character_book: JSON.parse(readFileSync(fixture("character-book.json"), "utf8")),
    };
    const character = characters.create({ spec: "chara_card_v2", spec_version: "2.0", data });
    const chatId = chats.createChat(character.id, "Rell", "Ahoy.");
    const { books, problems } = lorebooks.scanBooks(chatId);
    expect(problems).toEqual([]);
    const result = activateLore({
      books,
      messages: [{ id: 1, text: "Meet me at the docks" }],
      seed: 1,
      settings: lorebooks.loreSettings(),
    });
    expect(result.fired.map((f) => [f.id, f.reason.kind])).toEqual([[`character:${character.id}#1`, "key"]]);
  });

  it("a card whose embedded book cannot be read is reported, not fatal", () => {
    // A book the editor could have stored (characters.update takes any object): entries is not a list.
    const data = {
      ...emptyCardData("Broken"),
      character_book: { entries: "nope" } as unknown as CharacterBook,
    };
    const character = characters.create({ spec: "chara_card_v2", spec_version: "2.0", data });
    const chatId = chats.createChat(character.id, "Broken", "Hi.");
    const { books, problems } = services.lorebooks.scanBooks(chatId);
    expect(books).toEqual([]);
    expect(problems).toEqual([
      "the lorebook in Broken's card cannot be read: character_book.entries must be a list, not a string",
    ]);
  });
});

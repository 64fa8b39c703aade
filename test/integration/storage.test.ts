import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CharacterRepository } from "../../electron/storage/characterRepository";
import { ChatRepository } from "../../electron/storage/chatRepository";
import { DATABASE_FILE, type Database, openDatabase, schemaVersion } from "../../electron/storage/database";
import { MIGRATIONS } from "../../electron/storage/migrations";
import { emptyCardData } from "../../shared/domain/card";
import { MasqueError } from "../../shared/errors";
import { makeTempDir } from "../helpers/tempDir";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function open(): { database: Database; dir: string } {
  const temp = makeTempDir();
  const database = openDatabase(temp.dir);
  cleanups.push(() => {
    database.close();
    temp.cleanup();
  });
  return { database, dir: temp.dir };
}

function seedCharacter(database: Database, name = "Aria") {
  const data = { ...emptyCardData(name), first_mes: "Hello!", extensions: { "other/app": { keep: [1, 2] } } };
  return new CharacterRepository(database).create({ spec: "chara_card_v2", spec_version: "2.0", data });
}

describe("database", () => {
  it("applies every migration, in WAL mode with foreign keys on", () => {
    const { database } = open();
    expect(schemaVersion(database.db)).toBe(MIGRATIONS.at(-1)?.version);
    expect((database.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe(
      "wal",
    );
    expect((database.db.prepare("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys).toBe(
      1,
    );
  });

  it("rolls back a failed transaction completely", () => {
    const { database } = open();
    const repo = new CharacterRepository(database);
    expect(() =>
      database.transaction(() => {
        repo.create({ spec: "chara_card_v2", spec_version: "2.0", data: emptyCardData("Ghost") });
        throw new Error("fail halfway");
      }),
    ).toThrow("fail halfway");
    expect(repo.list()).toEqual([]);
  });

  it("refuses a data dir that is a file, naming it, as STORAGE_UNAVAILABLE", () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const file = join(temp.dir, "not-a-dir");
    writeFileSync(file, "x");
    const error = (() => {
      try {
        openDatabase(file);
      } catch (e) {
        return e as MasqueError;
      }
    })();
    expect(error?.code).toBe("STORAGE_UNAVAILABLE");
    expect(error?.message).toContain(file);
  });

  it("refuses a database file that is not SQLite and leaves it untouched", () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const path = join(temp.dir, DATABASE_FILE);
    const junk = "this is not a database, but it is the user's file ".repeat(100);
    writeFileSync(path, junk);
    expect(() => openDatabase(temp.dir)).toThrow(MasqueError);
    expect(readFileSync(path, "utf8")).toBe(junk);
  });

  it("refuses a database written by a newer schema instead of guessing", () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const database = openDatabase(temp.dir);
    database.db.exec("PRAGMA user_version = 999");
    database.close();
    expect(() => openDatabase(temp.dir)).toThrow(/newer Masque/);
  });
});

describe("characters", () => {
  it("keeps the whole card, unknown extensions included", () => {
    const { database } = open();
    const created = seedCharacter(database);
    const loaded = new CharacterRepository(database).get(created.id);
    expect(loaded.data.extensions).toEqual({ "other/app": { keep: [1, 2] } });
    expect(loaded.data.first_mes).toBe("Hello!");
  });

  it("searches names, descriptions and tags by word prefix; punctuation alone filters nothing", () => {
    const { database } = open();
    const repo = new CharacterRepository(database);
    repo.create({
      spec: "chara_card_v2",
      spec_version: "2.0",
      data: { ...emptyCardData("Mira"), description: "100% pirate" },
    });
    repo.create({
      spec: "chara_card_v2",
      spec_version: "2.0",
      data: { ...emptyCardData("Zed"), tags: ["Sci-Fi"] },
    });
    expect(repo.list({ search: "pira" }).map((c) => c.name)).toEqual(["Mira"]);
    expect(repo.list({ search: "100%" }).map((c) => c.name)).toEqual(["Mira"]);
    expect(repo.list({ search: "%" }).map((c) => c.name)).toEqual(["Mira", "Zed"]);
    expect(repo.list({ search: "sci" }).map((c) => c.name)).toEqual(["Zed"]);
    expect(repo.list({ tag: "sci-fi" }).map((c) => c.name)).toEqual(["Zed"]);
  });

  it("reports NOT_FOUND for unknown ids", () => {
    const { database } = open();
    expect(() => new CharacterRepository(database).get(77)).toThrow("character 77 does not exist");
  });
});

describe("message tree", () => {
  it("starts with the greeting and follows the active leaf", () => {
    const { database } = open();
    const character = seedCharacter(database);
    const chats = new ChatRepository(database);
    const chatId = chats.createChat(character.id, "t", "Hello!");
    const [greeting] = chats.activePath(chatId);
    expect(greeting).toMatchObject({ role: "character", text: "Hello!", parentId: null });
    const user = chats.addMessage({ chatId, parentId: greeting?.id ?? null, role: "user", text: "Hi" });
    const reply = chats.addMessage({ chatId, parentId: user.id, role: "character", text: "Reply A" });
    expect(chats.activePath(chatId).map((m) => m.text)).toEqual(["Hello!", "Hi", "Reply A"]);
    expect(chats.getChat(chatId).activeLeafId).toBe(reply.id);
  });

  it("keeps alternatives as siblings with their position", () => {
    const { database } = open();
    const character = seedCharacter(database);
    const chats = new ChatRepository(database);
    const chatId = chats.createChat(character.id, "t", "Hello!");
    const root = chats.activePath(chatId)[0]?.id ?? null;
    const user = chats.addMessage({ chatId, parentId: root, role: "user", text: "Hi" });
    const a = chats.addMessage({ chatId, parentId: user.id, role: "character", text: "A" });
    const b = chats.addMessage({ chatId, parentId: user.id, role: "character", text: "B" });
    expect(chats.activePath(chatId).at(-1)).toMatchObject({ text: "B", siblingIndex: 1, siblingCount: 2 });
    expect(chats.activePath(chatId, a.id).at(-1)).toMatchObject({
      text: "A",
      siblingIndex: 0,
      siblingCount: 2,
    });
    expect(b.id).toBeGreaterThan(a.id);
  });

  it("refuses a parent from another chat", () => {
    const { database } = open();
    const character = seedCharacter(database);
    const chats = new ChatRepository(database);
    const one = chats.createChat(character.id, "1", "Hello!");
    const two = chats.createChat(character.id, "2", "Hello!");
    const foreign = chats.activePath(one)[0]?.id ?? null;
    expect(() => chats.addMessage({ chatId: two, parentId: foreign, role: "user", text: "x" })).toThrow(
      /is not in chat/,
    );
    expect(chats.activePath(two)).toHaveLength(1);
  });

  it("stores chats without a greeting as empty", () => {
    const { database } = open();
    const character = seedCharacter(database);
    const chats = new ChatRepository(database);
    const chatId = chats.createChat(character.id, "t", "   ");
    expect(chats.activePath(chatId)).toEqual([]);
  });
});

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CharacterRepository } from "../../electron/storage/characterRepository";
import { ChatRepository } from "../../electron/storage/chatRepository";
import { createConfSettings } from "../../electron/storage/confSettings";
import { DATABASE_FILE, type Database, openDatabase, schemaVersion } from "../../electron/storage/database";
import { MIGRATIONS } from "../../electron/storage/migrations";
import { writePippaFile } from "../../scripts/generatePippa";
import { emptyCardData } from "../../shared/domain/card";
import { MasqueError } from "../../shared/errors";
import { runMasque } from "../helpers/cli";
import { canChattr, canMount, makeImmutable, mountReadOnlyView, mountTmpfs } from "../helpers/mounts";
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

/** The error `run` throws (failing the test when it throws nothing). */
function thrownBy(run: () => unknown): MasqueError {
  try {
    run();
  } catch (error) {
    return error as MasqueError;
  }
  throw new Error("expected a throw");
}

function integrity(database: Database): string {
  return (database.db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
}

function count(database: Database, table: string): number {
  return (database.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Caps the database at its current size plus `pages`: SQLite then raises SQLITE_FULL for real. */
function capDatabase(database: Database, pages: number): void {
  const { page_count } = database.db.prepare("PRAGMA page_count").get() as { page_count: number };
  database.db.exec(`PRAGMA max_page_count = ${page_count + pages}`);
}

const BIG = "x".repeat(2 * 1024 * 1024);

describe("a full disk", () => {
  it("is STORAGE_FULL naming the data dir, with nothing written and the database intact", () => {
    const { database, dir } = open();
    const characters = new CharacterRepository(database);
    const chats = new ChatRepository(database);
    const character = seedCharacter(database);
    const chatId = chats.createChat(character.id, "t", "Hello!");
    const before = { characters: count(database, "characters"), messages: count(database, "messages") };
    capDatabase(database, 4);

    const plain = thrownBy(() =>
      characters.create({
        spec: "chara_card_v2",
        spec_version: "2.0",
        data: { ...emptyCardData("Big"), description: BIG },
      }),
    );
    expect(plain).toBeInstanceOf(MasqueError);
    expect(plain.code).toBe("STORAGE_FULL");
    expect(plain.message).toContain(dir);

    // Nested: the savepoint of the inner transaction must not hide the real error.
    const nested = thrownBy(() =>
      database.transaction(() => {
        chats.addMessage({ chatId, parentId: null, role: "user", text: "kept only if all fits" });
        database.transaction(() => chats.addMessage({ chatId, parentId: null, role: "user", text: BIG }));
      }),
    );
    expect(nested.code).toBe("STORAGE_FULL");
    expect(nested.message).not.toContain("savepoint");

    expect(integrity(database)).toBe("ok");
    expect(database.db.isTransaction).toBe(false);
    expect({ characters: count(database, "characters"), messages: count(database, "messages") }).toEqual(
      before,
    );

    // The helper is still usable once there is room again.
    database.db.exec("PRAGMA max_page_count = 1073741823");
    database.transaction(() => chats.addMessage({ chatId, parentId: null, role: "user", text: BIG }));
    expect(count(database, "messages")).toBe(before.messages + 1);
  });

  it("keeps the original error when a failed transaction can still be rolled back", () => {
    const { database } = open();
    const repo = new CharacterRepository(database);
    const error = thrownBy(() =>
      database.transaction(() =>
        database.transaction(() => {
          repo.create({ spec: "chara_card_v2", spec_version: "2.0", data: emptyCardData("Ghost") });
          throw new Error("inner failure");
        }),
      ),
    );
    expect(error.message).toBe("inner failure");
    expect(repo.list()).toEqual([]);
    expect(database.db.isTransaction).toBe(false);
  });

  it.runIf(canMount())(
    "on a real tmpfs: a CLI import that fills the disk is STORAGE_FULL, damages nothing and completes once there is room",
    async () => {
      const temp = makeTempDir();
      const disk = mountTmpfs(1024 * 1024);
      cleanups.push(disk.unmount, temp.cleanup);
      const file = join(temp.dir, "pippa.jsonl");
      await writePippaFile(file, { lines: 400, bots: 40, seed: 7 });
      const masque = (...args: string[]) => runMasque(["--data-dir", disk.dir, ...args]);

      const full = await masque("import", file, "--json");
      expect(full.code).toBe(1);
      expect(full.stderr).toMatch(/^STORAGE_FULL: .*is full; nothing was written/m);
      expect(full.stderr).toContain(disk.dir);
      expect(full.stderr).not.toContain("savepoint");

      const listed = await masque("characters", "list", "--json");
      expect(listed.code).toBe(0);
      const partial = JSON.parse(listed.stdout) as unknown[];
      const reopened = openDatabase(disk.dir);
      expect(integrity(reopened)).toBe("ok");
      reopened.close();

      disk.remount("size=64m");
      const again = await masque("import", file, "--json");
      expect(again.stderr).not.toMatch(/STORAGE_|IMPORT_FAILED|INTERNAL/);
      expect(again.code).toBe(0);
      const fresh = makeTempDir();
      cleanups.push(fresh.cleanup);
      const reference = JSON.parse(
        (await runMasque(["--data-dir", fresh.dir, "import", file, "--json"])).stdout,
      ) as { sessions: { added: number } };
      const completed = JSON.parse(again.stdout) as { sessions: { added: number; skipped: number } };
      expect(completed.sessions.added + completed.sessions.skipped).toBe(reference.sessions.added);
      const after = JSON.parse((await masque("characters", "list", "--json")).stdout) as unknown[];
      expect(after.length).toBeGreaterThanOrEqual(partial.length);
    },
  );
});

/** A library with one character and one chat, written normally and closed. */
function writeLibrary(dir: string): { characterId: number; chatId: number } {
  const database = openDatabase(dir);
  const character = seedCharacter(database);
  const chatId = new ChatRepository(database).createChat(character.id, "t", "Hello!");
  createConfSettings(dir).update({ userName: "Robin" });
  database.close();
  return { characterId: character.id, chatId };
}

describe("a data dir that cannot be written", () => {
  it.runIf(canMount())(
    "is opened read-only on a read-only mount: reads work, writes are STORAGE_READ_ONLY",
    () => {
      const temp = makeTempDir();
      cleanups.push(temp.cleanup);
      const { characterId, chatId } = writeLibrary(temp.dir);
      const view = mountReadOnlyView(temp.dir);
      cleanups.unshift(view.unmount);

      const database = openDatabase(view.dir);
      cleanups.unshift(() => database.close());
      expect(database.readOnly).toBe(true);
      const characters = new CharacterRepository(database);
      const chats = new ChatRepository(database);
      expect(characters.list().map((c) => c.name)).toEqual(["Aria"]);
      expect(chats.activePath(chatId).map((m) => m.text)).toEqual(["Hello!"]);

      const write = thrownBy(() =>
        characters.create({ spec: "chara_card_v2", spec_version: "2.0", data: emptyCardData("New") }),
      );
      expect(write.code).toBe("STORAGE_READ_ONLY");
      expect(write.message).toContain(view.dir);
      expect(thrownBy(() => characters.delete(characterId)).code).toBe("STORAGE_READ_ONLY");
      expect(
        thrownBy(() => chats.addMessage({ chatId, parentId: null, role: "user", text: "hi" })).code,
      ).toBe("STORAGE_READ_ONLY");
      expect(characters.list()).toHaveLength(1);

      const settings = createConfSettings(view.dir);
      expect(settings.getAll().userName).toBe("Robin");
      const settingsWrite = thrownBy(() => settings.update({ userName: "Sam" }));
      expect(settingsWrite.code).toBe("STORAGE_READ_ONLY");
      expect(settingsWrite.message).toContain(view.dir);
    },
  );

  it.runIf(canMount())(
    "serves the CLI read-only: characters list works, the first write fails clearly",
    async () => {
      const temp = makeTempDir();
      cleanups.push(temp.cleanup);
      writeLibrary(temp.dir);
      const view = mountReadOnlyView(temp.dir);
      cleanups.unshift(view.unmount);
      const masque = (...args: string[]) => runMasque(["--data-dir", view.dir, ...args]);

      const listed = await masque("characters", "list", "--json");
      expect(listed.stderr).toBe("");
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.stdout) as { name: string }[]).map((c) => c.name)).toEqual(["Aria"]);
      expect((await masque("chats", "show", "1", "--json")).code).toBe(0);
      expect((await masque("settings", "get", "userName")).stdout.trim()).toBe("Robin");

      const create = await masque("characters", "create", "--name", "Nope");
      expect(create.code).toBe(1);
      expect(create.stderr).toMatch(/^STORAGE_READ_ONLY: The data directory .* is read-only/);
      expect(create.stderr).toContain(view.dir);
      const set = await masque("settings", "set", "userName", "Sam");
      expect(set.code).toBe(1);
      expect(set.stderr).toMatch(/^STORAGE_READ_ONLY:/);
    },
  );

  it.runIf(canMount())("shows an empty library for a read-only data dir without a database", async () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const view = mountReadOnlyView(temp.dir);
    cleanups.unshift(view.unmount);
    const listed = await runMasque(["--data-dir", view.dir, "characters", "list", "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const create = await runMasque(["--data-dir", view.dir, "characters", "create", "--name", "Nope"]);
    expect(create.stderr).toMatch(/^STORAGE_READ_ONLY:/);
    expect(existsSync(join(temp.dir, DATABASE_FILE))).toBe(false);
  });

  it.runIf(canMount())(
    "refuses an outdated read-only database with STORAGE_READ_ONLY saying it cannot be upgraded",
    () => {
      const temp = makeTempDir();
      cleanups.push(temp.cleanup);
      openDatabase(temp.dir, MIGRATIONS.slice(0, -1)).close();
      const view = mountReadOnlyView(temp.dir);
      cleanups.unshift(view.unmount);
      const error = thrownBy(() => openDatabase(view.dir));
      expect(error.code).toBe("STORAGE_READ_ONLY");
      expect(error.message).toContain("older Masque");
      expect(error.message).toContain("cannot be upgraded");
      expect(error.message).toContain(view.dir);
    },
  );

  it.runIf(canChattr())("opens an immutable database file read-only (the directory stays writable)", () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const { chatId } = writeLibrary(temp.dir);
    cleanups.unshift(makeImmutable(join(temp.dir, DATABASE_FILE)));
    const database = openDatabase(temp.dir);
    cleanups.unshift(() => database.close());
    expect(database.readOnly).toBe(true);
    const chats = new ChatRepository(database);
    expect(chats.activePath(chatId)).toHaveLength(1);
    const error = thrownBy(() => chats.addMessage({ chatId, parentId: null, role: "user", text: "hi" }));
    expect(error.code).toBe("STORAGE_READ_ONLY");
    expect(error.message).toContain(temp.dir);
  });
});

/**
 * The cross-process chat lock and crash recovery, on a real database: leases held by other live
 * processes, stale leases (dead pid, expired) taken over, partial replies saved while streaming and
 * turned into "interrupted" messages when their process is gone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { hostname } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ChatLeases } from "../../../electron/services/locks/chatLeases";
import { type Database, openDatabase } from "../../../electron/storage/database";
import type { Message } from "../../../shared/domain/chat";
import { type FakeCore, openFakeCore } from "../../fakes/fakeCore";
import { makeTempDir } from "../../helpers/tempDir";

let live: ChildProcess;
let deadPid: number;

beforeAll(async () => {
  live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], { stdio: "ignore" });
  const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  deadPid = dead.pid as number;
  await new Promise((resolve) => dead.once("exit", resolve));
});
afterAll(() => {
  live.kill("SIGKILL");
});

let t: FakeCore;
/** A second connection to the core's database, as another process would have. */
let raw: Database | null = null;
afterEach(async () => {
  raw?.close();
  raw = null;
  await t?.close();
});

function db(): Database["db"] {
  raw ??= openDatabase(t.dir);
  return raw.db;
}

/** Writes a lease as another process would. */
function putLease(db: Database["db"], chatId: number, pid: number, expiresAt = Date.now() + 60_000) {
  db.prepare(
    "INSERT OR REPLACE INTO chat_leases (chat_id, owner_id, pid, host, expires_at) VALUES (?, ?, ?, ?, ?)",
  ).run(chatId, `other-${pid}`, pid, hostname(), expiresAt);
}

/** Writes a partial reply as a process that died mid-stream would have left it. */
function putPartial(
  db: Database["db"],
  row: { chatId: number; kind: string; parentId: number | null; targetId?: number; text: string },
) {
  db.prepare(
    `INSERT INTO partial_replies (generation_id, chat_id, kind, parent_id, target_id, text, provenance_json, owner_id, started_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, 'dead-owner', 1, 1)`,
  ).run(`gen-${Math.random()}`, row.chatId, row.kind, row.parentId, row.targetId ?? null, row.text);
}

const rolesOf = (messages: Message[]) => messages.map((m) => m.role);

describe("chat leases across processes", () => {
  it("refuses generations and edits with BUSY while another live process holds the chat", async () => {
    t = await openFakeCore();
    const chatId = await t.newChat();
    const greeting = (await t.call("chats.get", { chatId })).messages[0] as Message;
    putLease(db(), chatId, live.pid as number);
    const busy = await t.fail("chats.send", { chatId, text: "Hello" });
    expect(busy.code).toBe("BUSY");
    expect(busy.message).toContain(`pid ${live.pid}`);
    expect(await t.fail("chats.regenerate", { chatId })).toMatchObject({ code: "BUSY" });
    expect(await t.fail("chats.editMessage", { messageId: greeting.id, text: "x" })).toMatchObject({
      code: "BUSY",
    });
    expect(await t.fail("chats.setOptions", { chatId, templateId: "chatml" })).toMatchObject({
      code: "BUSY",
    });
    // Nothing was stored, the model was not even needed.
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(1);
    expect(t.engine.loads).toHaveLength(0);
    // Once released, the chat is usable.
    db().prepare("DELETE FROM chat_leases WHERE chat_id = ?").run(chatId);
    expect(await t.reply(chatId, "Hello")).toMatchObject({ role: "character" });
  });

  it("takes over a lease whose process is dead and recovers its partial reply as interrupted", async () => {
    t = await openFakeCore({ engine: { replies: [["New", " reply"]] } });
    const chatId = await t.newChat();
    const greeting = (await t.call("chats.get", { chatId })).messages[0] as Message;
    // The dead process had stored the user's message and streamed part of the reply.
    const userMessage = db()
      .prepare(
        "INSERT INTO messages (chat_id, parent_id, role, text, status, created_at) VALUES (?, ?, 'user', 'Tell me a story', 'complete', 1) RETURNING id",
      )
      .get(chatId, greeting.id) as { id: number };
    db().prepare("UPDATE chats SET active_leaf_id = ? WHERE id = ?").run(userMessage.id, chatId);
    putLease(db(), chatId, deadPid);
    putPartial(db(), { chatId, kind: "reply", parentId: userMessage.id, text: "Once upon a time  " });

    const sent = await t.call("chats.send", { chatId, text: "Go on" });
    await t.finish(sent.generationId);
    const messages = (await t.call("chats.get", { chatId })).messages;
    expect(rolesOf(messages)).toEqual(["character", "user", "character", "user", "character"]);
    expect(messages[2]).toMatchObject({
      text: "Once upon a time",
      status: "stopped",
      stopReason: "interrupted",
      parentId: userMessage.id,
    });
    expect(messages[4]?.text).toBe("New reply");
    expect(db().prepare("SELECT count(*) AS n FROM partial_replies").get()).toEqual({ n: 0 });
  });

  it("takes over an expired lease even when its pid is alive, and an edit recovers orphans too", async () => {
    t = await openFakeCore();
    const chatId = await t.newChat();
    const greeting = (await t.call("chats.get", { chatId })).messages[0] as Message;
    putLease(db(), chatId, live.pid as number, Date.now() - 1);
    putPartial(db(), { chatId, kind: "swipe", parentId: null, text: "Another greeting" });
    await t.call("chats.editMessage", { messageId: greeting.id, text: "Hello!" });
    const swipes = await t.call("chats.swipes", { messageId: greeting.id });
    expect(swipes.map((m) => [m.text, m.stopReason])).toEqual([
      ["Hello!", null],
      ["Another greeting", "interrupted"],
    ]);
    expect(db().prepare("SELECT count(*) AS n FROM chat_leases").get()).toEqual({ n: 0 });
  });

  it("recovers orphans when the core starts, leaving chats of live processes alone", async () => {
    t = await openFakeCore({ engine: { replies: [["Once"]] } });
    const orphaned = await t.newChat();
    const first = await t.reply(orphaned, "Tell me");
    const busy = await t.newChat();
    const busyGreeting = (await t.call("chats.get", { chatId: busy })).messages[0] as Message;
    const dir = t.dir;
    await t.core.dispose();
    putLease(db(), orphaned, deadPid);
    putPartial(db(), {
      chatId: orphaned,
      kind: "continue",
      parentId: first.parentId,
      targetId: first.id,
      text: " upon a time",
    });
    putLease(db(), busy, live.pid as number);
    putPartial(db(), { chatId: busy, kind: "swipe", parentId: null, text: "Still streaming" });

    const again = await openFakeCore({ dataDir: dir });
    try {
      const view = await again.call("chats.get", { chatId: orphaned });
      expect(view.messages.at(-1)).toMatchObject({
        id: first.id,
        text: "Once upon a time",
        status: "stopped",
        stopReason: "interrupted",
      });
      expect(await again.call("chats.swipes", { messageId: busyGreeting.id })).toHaveLength(1);
      expect(db().prepare("SELECT chat_id FROM partial_replies").all()).toEqual([{ chat_id: busy }]);
    } finally {
      await again.core.dispose();
    }
  });

  it("drops an orphan with no text: nothing to keep", async () => {
    t = await openFakeCore();
    const chatId = await t.newChat();
    const greeting = (await t.call("chats.get", { chatId })).messages[0] as Message;
    putLease(db(), chatId, deadPid);
    putPartial(db(), { chatId, kind: "reply", parentId: greeting.id, text: "  \n" });
    expect(await t.reply(chatId, "Hi")).toMatchObject({ role: "character" });
    expect(rolesOf((await t.call("chats.get", { chatId })).messages)).toEqual([
      "character",
      "user",
      "character",
    ]);
  });
});

describe("partial replies while streaming", () => {
  it("saves the emitted text while a reply streams and deletes the row with the final message", async () => {
    t = await openFakeCore({
      engine: { replies: [["Saved", " as", " it", " streams"]] },
      internal: { partialSaveIntervalMs: 0, deltaIntervalMs: 1 },
    });
    const chatId = await t.newChat();
    t.engine.pause();
    const sent = await t.call("chats.send", { chatId, text: "Go" });
    const row = () =>
      db()
        .prepare("SELECT kind, parent_id, text FROM partial_replies WHERE generation_id = ?")
        .get(sent.generationId);
    expect(row()).toEqual({ kind: "reply", parent_id: sent.userMessageId, text: "" });
    t.engine.step(2);
    await t.engine.piecesEmitted(2);
    await vi.waitFor(() =>
      expect(t.eventsOf("generation.delta", sent.generationId).length).toBeGreaterThan(0),
    );
    await vi.waitFor(() => expect(t.internals.chats.view(chatId).pendingGeneration?.text).toBe("Saved as"));
    const pending = t.internals.chats.view(chatId).pendingGeneration;
    expect(pending?.text).toBe("Saved as");
    expect(row()).toMatchObject({ text: pending?.text });
    // The lease is held while generating.
    expect(db().prepare("SELECT chat_id, pid FROM chat_leases").all()).toEqual([
      { chat_id: chatId, pid: process.pid },
    ]);
    t.engine.resume();
    await t.finish(sent.generationId);
    expect(row()).toBeUndefined();
    expect(db().prepare("SELECT count(*) AS n FROM chat_leases").get()).toEqual({ n: 0 });
  });

  it("saves nothing for an impersonation", async () => {
    t = await openFakeCore();
    const chatId = await t.newChat();
    t.engine.pause();
    const started = await t.call("chats.impersonate", { chatId });
    expect(db().prepare("SELECT count(*) AS n FROM partial_replies").get()).toEqual({ n: 0 });
    t.engine.resume();
    await t.finish(started.generationId);
  });
});

describe("ChatLeases", () => {
  it("stays held while renewed, lapses after its lifetime without a heartbeat", () => {
    const temp = makeTempDir();
    const database = openDatabase(temp.dir);
    try {
      database.db.exec(
        "INSERT INTO characters (name, spec, spec_version, data_json, created_at, updated_at) VALUES ('A', 'v2', '2.0', '{}', 0, 0)",
      );
      database.db.exec(
        "INSERT INTO chats (character_id, title, created_at, updated_at) VALUES (1, 'c', 0, 0)",
      );
      let now = 1_000;
      const clock = () => now;
      const options = { ttlMs: 100, heartbeatMs: 60_000, now: clock, isAlive: () => true };
      const a = new ChatLeases(database, { ...options, owner: { id: "a", pid: 1, host: "h" } });
      const b = new ChatLeases(database, { ...options, owner: { id: "b", pid: 2, host: "h" } });
      a.acquire(1);
      now += 99;
      expect(() => b.acquire(1)).toThrow(/busy in another Masque process \(pid 1\)/);
      a.renew();
      now += 99;
      expect(() => b.acquire(1)).toThrow(/BUSY|busy/);
      now += 2;
      b.acquire(1);
      expect(() => a.whileFree(1, () => 0)).toThrow(/pid 2/);
      b.release(1);
      expect(a.whileFree(1, () => "edited")).toBe("edited");
      a.dispose();
      b.dispose();
    } finally {
      database.close();
      temp.cleanup();
    }
  });
});

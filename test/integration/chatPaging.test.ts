import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatRepository } from "../../electron/storage/chatRepository";
import { openDatabase } from "../../electron/storage/database";
import { type LongChatSeed, seedLongChat } from "../../scripts/seedLongChat";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";

/**
 * Paged reading of a chat's active path on a real database: the end of a 10,000-message chat,
 * earlier pages back to the root, and the path after a swipe in the middle.
 */
describe("paged chats", () => {
  let temp: { dir: string; cleanup: () => void };
  let seed: LongChatSeed;
  let core: TestCore;

  beforeAll(async () => {
    temp = makeTempDir("masque-paging-");
    seed = seedLongChat(temp.dir, { longMessages: 10_000, shortMessages: 20 });
    core = await openTestCore(temp.dir);
  });

  afterAll(async () => {
    await core?.close();
    temp?.cleanup();
  });

  const ids = (messages: readonly { id: number }[]) => messages.map((m) => m.id);

  it("opens a long chat with the last page of its path", async () => {
    const view = await core.call("chats.get", { chatId: seed.chatIds.long, limit: 100 });
    expect(ids(view.messages)).toEqual(seed.longMessageIds.slice(-100));
    expect(view.hasEarlier).toBe(true);
    expect(view.chat.messageCount).toBe(10_000);
    expect(view.activeLeafId).toBe(seed.longMessageIds.at(-1));
    expect(view.messages[0]?.text).toMatch(/^(\*.*\* ".*" )?Message 9901\./);
  });

  it("reads earlier pages back to the root, which together are the whole path", async () => {
    const chatId = seed.chatIds.long;
    const last = await core.call("chats.get", { chatId, limit: 700 });
    const pages = [last.messages];
    let hasEarlier = last.hasEarlier;
    while (hasEarlier) {
      const beforeId = pages[0]?.[0]?.id as number;
      const page = await core.call("chats.messages", { chatId, beforeId, limit: 700 });
      expect(page.messages.length).toBeGreaterThan(0);
      pages.unshift(page.messages);
      hasEarlier = page.hasEarlier;
    }
    expect(pages).toHaveLength(Math.ceil(10_000 / 700));
    expect(ids(pages.flat())).toEqual(seed.longMessageIds);
    const whole = await core.call("chats.get", { chatId });
    expect(ids(whole.messages)).toEqual(seed.longMessageIds);
    expect(whole.hasEarlier).toBe(false);
  });

  it("gives a short or empty chat whole, with nothing earlier", async () => {
    const short = await core.call("chats.get", { chatId: seed.chatIds.short, limit: 100 });
    expect(short.messages).toHaveLength(20);
    expect(short.hasEarlier).toBe(false);
    const empty = await core.call("chats.get", { chatId: seed.chatIds.empty, limit: 100 });
    expect(empty).toMatchObject({ messages: [], hasEarlier: false, activeLeafId: null });
    const first = short.messages[0]?.id as number;
    expect(await core.call("chats.messages", { chatId: seed.chatIds.short, beforeId: first })).toEqual({
      messages: [],
      hasEarlier: false,
    });
  });

  it("follows the active path after a swipe in the middle, with sibling positions", async () => {
    const chatId = seed.chatIds.short;
    const before = await core.call("chats.get", { chatId });
    const swiped = before.messages[9];
    if (!swiped) throw new Error("the short chat has no 10th message");
    // A second alternative of message 10, stored beside it; adding it makes it the active leaf.
    const database = openDatabase(core.dir);
    try {
      new ChatRepository(database).addMessage({
        chatId,
        parentId: swiped.parentId,
        role: swiped.role,
        text: "Another take on message 10.",
      });
    } finally {
      database.close();
    }
    const view = await core.call("chats.get", { chatId, limit: 5 });
    expect(ids(view.messages)).toEqual(ids(before.messages.slice(5, 9)).concat(view.activeLeafId as number));
    expect(view.messages.at(-1)).toMatchObject({
      text: "Another take on message 10.",
      siblingIndex: 1,
      siblingCount: 2,
    });
    expect(view.hasEarlier).toBe(true);
    const earlier = await core.call("chats.messages", { chatId, beforeId: view.messages[0]?.id as number });
    expect(ids(earlier.messages)).toEqual(ids(before.messages.slice(0, 5)));
    expect(earlier.hasEarlier).toBe(false);
  });

  it("refuses a message of another chat, an unknown chat and a bad limit, naming them", async () => {
    const other = await core.fail("chats.messages", {
      chatId: seed.chatIds.short,
      beforeId: seed.longMessageIds[50],
    });
    expect(other.code).toBe("NOT_FOUND");
    expect(other.message).toMatch(/beforeId/);
    expect((await core.fail("chats.get", { chatId: 99_999, limit: 10 })).code).toBe("NOT_FOUND");
    const zero = await core.fail("chats.get", { chatId: seed.chatIds.long, limit: 0 });
    expect(zero.code).toBe("INVALID_INPUT");
    expect(zero.message).toMatch(/limit/);
    expect((await core.fail("chats.messages", { chatId: 99_999, beforeId: 1 })).code).toBe("NOT_FOUND");
  });
});

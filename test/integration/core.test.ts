import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_MESSAGE_CHARS, METHODS } from "../../shared/api/contract";
import { openTestCore, type TestCore } from "../helpers/core";

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(async () => {
  await t.close();
});

describe("core dispatcher", () => {
  it("has a handler for every contract method and nothing else", async () => {
    const { createCore } = await import("../../electron/services/core");
    expect(typeof createCore).toBe("function");
    const internals = t.core as unknown as { handlers: Record<string, unknown> };
    expect(Object.keys(internals.handlers).sort()).toEqual([...METHODS].sort());
  });

  it("answers unknown methods and bad input with error data, never a throw", async () => {
    expect(await t.fail("nope.nothing" as never, {})).toMatchObject({ code: "NOT_FOUND" });
    expect(await t.fail("characters.create", { name: 5 })).toMatchObject({ code: "INVALID_INPUT" });
    expect(await t.fail("characters.create", null)).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("creates a character and a chat that starts with the greeting", async () => {
    const character = await t.call("characters.create", {
      name: "Aria",
      description: "A pilot.",
      greeting: "Welcome aboard.",
      tags: ["sci-fi", "sci-fi"],
    });
    expect(character).toMatchObject({ spec: "chara_card_v2", spec_version: "2.0" });
    expect(character.data.tags).toEqual(["sci-fi"]);
    const view = await t.call("chats.create", { characterId: character.id });
    expect(view.messages.map((m) => [m.role, m.text])).toEqual([["character", "Welcome aboard."]]);
    expect(await t.call("chats.list", { characterId: character.id })).toHaveLength(1);
    expect((await t.call("characters.list", {}))[0]).toMatchObject({
      id: character.id,
      name: "Aria",
      tags: ["sci-fi"],
    });
  });

  it("gives NOT_FOUND for unknown ids", async () => {
    expect(await t.fail("characters.get", { id: 404 })).toMatchObject({
      code: "NOT_FOUND",
      message: "character 404 does not exist",
    });
    expect(await t.fail("chats.get", { chatId: 42 })).toMatchObject({ message: "chat 42 does not exist" });
    expect(await t.fail("chats.create", { characterId: 9 })).toMatchObject({ code: "NOT_FOUND" });
    expect(await t.fail("generation.abort", { generationId: "nope" })).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses empty and oversized messages and stores nothing", async () => {
    const character = await t.call("characters.create", { name: "Aria", greeting: "Hi." });
    const { chat } = await t.call("chats.create", { characterId: character.id });
    expect(await t.fail("chats.send", { chatId: chat.id, text: "  \n " })).toMatchObject({
      code: "INVALID_INPUT",
    });
    const big = await t.fail("chats.send", { chatId: chat.id, text: "x".repeat(100 * 1024) });
    expect(big.code).toBe("INVALID_INPUT");
    expect(big.message).toContain(String(MAX_MESSAGE_CHARS));
    expect((await t.call("chats.get", { chatId: chat.id })).messages).toHaveLength(1);
  });

  it("says MODEL_NOT_SET when no model is configured, without storing the message", async () => {
    const character = await t.call("characters.create", { name: "Aria", greeting: "Hi." });
    const { chat } = await t.call("chats.create", { characterId: character.id });
    expect(await t.fail("chats.send", { chatId: chat.id, text: "hello" })).toMatchObject({
      code: "MODEL_NOT_SET",
    });
    expect((await t.call("chats.get", { chatId: chat.id })).messages).toHaveLength(1);
  });

  it("validates and persists settings", async () => {
    expect(await t.fail("settings.update", { threads: -1 })).toMatchObject({ code: "INVALID_INPUT" });
    expect(await t.fail("settings.update", { bogus: 1 })).toMatchObject({ code: "INVALID_INPUT" });
    await t.call("settings.update", { userName: "Sam", contextSize: 2048 });
    await t.core.dispose();
    const again = await openTestCore(t.dir);
    try {
      expect(await again.call("settings.get", {})).toMatchObject({ userName: "Sam", contextSize: 2048 });
    } finally {
      await again.core.dispose();
    }
  });

  it("keeps characters and chats across a restart", async () => {
    const character = await t.call("characters.create", { name: "Aria", greeting: "Hi." });
    const { chat } = await t.call("chats.create", { characterId: character.id });
    const dir = t.dir;
    await t.core.dispose();
    const again = await openTestCore(dir);
    try {
      expect((await again.call("chats.get", { chatId: chat.id })).messages[0]?.text).toBe("Hi.");
    } finally {
      await again.core.dispose();
    }
  });
});

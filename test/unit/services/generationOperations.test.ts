/** Every generating operation through the core on the fake engine, with a real database. */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "../../../shared/domain/chat";
import { type FakeCore, type FakeCoreOptions, openFakeCore } from "../../fakes/fakeCore";

let t: FakeCore;
afterEach(async () => {
  await t?.close();
});

async function open(options: FakeCoreOptions = {}) {
  t = await openFakeCore(options);
  return t;
}

const roles = (messages: Message[]) => messages.map((m) => m.role);

describe("send", () => {
  it("stores the user's message, returns it, and stores the streamed reply under it", async () => {
    await open({ engine: { replies: [["Hi", " Sam", "!  "]] } });
    const chatId = await t.newChat();
    const sent = await t.call("chats.send", { chatId, text: "Hello Lily" });
    expect(sent.userMessage).toMatchObject({ id: sent.userMessageId, role: "user", text: "Hello Lily" });
    expect(sent).toMatchObject({ chatId, kind: "reply", parentId: sent.userMessageId });
    const end = await t.finish(sent.generationId);
    expect(end.event).toBe("generation.done");
    const reply = (end.payload as { message: Message }).message;
    expect(reply).toMatchObject({
      role: "character",
      text: "Hi Sam!",
      parentId: sent.userMessageId,
      status: "complete",
      stopReason: "eos",
    });
    expect(reply.provenance).toMatchObject({ modelFile: "fake.gguf", template: "pygmalion" });
    const view = await t.call("chats.get", { chatId });
    expect(roles(view.messages)).toEqual(["character", "user", "character"]);
    expect(view.messages[1]).toEqual(sent.userMessage);
    expect(view.pendingGeneration).toBeNull();
    expect(view.hasEarlier).toBe(false);
  });

  it("uses the caller's generation id and refuses one already used", async () => {
    await open();
    const chatId = await t.newChat();
    const generationId = randomUUID();
    const sent = await t.call("chats.send", { chatId, text: "One", generationId });
    expect(sent.generationId).toBe(generationId);
    await t.finish(generationId);
    const again = await t.fail("chats.send", { chatId, text: "Two", generationId });
    expect(again.code).toBe("INVALID_INPUT");
    expect(again.message).toContain(generationId);
    expect(await t.fail("chats.send", { chatId, text: "Two", generationId: "not-a-uuid" })).toMatchObject({
      code: "INVALID_INPUT",
    });
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(3);
  });

  it("refuses a message that cannot fit with CONTEXT_OVERFLOW, stores nothing and frees the chat", async () => {
    await open({ engine: { trainContextSize: 400 }, settings: { maxTokens: 32 } });
    const chatId = await t.newChat();
    const error = await t.fail("chats.send", { chatId, text: "park ".repeat(200) });
    expect(error.code).toBe("CONTEXT_OVERFLOW");
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(1);
    expect(await t.reply(chatId, "Short one")).toMatchObject({ role: "character" });
  });

  it("gives NOT_FOUND for an unknown chat, message or generation", async () => {
    await open();
    const chatId = await t.newChat();
    const other = await t.newChat();
    const otherGreeting = (await t.call("chats.get", { chatId: other })).messages[0] as Message;
    expect(await t.fail("chats.send", { chatId: 999, text: "Hi" })).toMatchObject({ code: "NOT_FOUND" });
    expect(await t.fail("chats.regenerate", { chatId, messageId: otherGreeting.id })).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.fail("chats.regenerate", { chatId, messageId: 12345 })).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.fail("generation.abort", { generationId: randomUUID() })).toMatchObject({
      code: "NOT_FOUND",
    });
    // A refused call leaves the chat free.
    expect(await t.reply(chatId, "Still there?")).toMatchObject({ role: "character" });
  });

  it("says MODEL_NOT_SET without storing anything when no model is configured", async () => {
    await open({ settings: { modelPath: "" } });
    const chatId = await t.newChat();
    expect(await t.fail("chats.send", { chatId, text: "Hi" })).toMatchObject({ code: "MODEL_NOT_SET" });
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(1);
  });
});

describe("regenerate, continue, impersonate", () => {
  it("regenerates the last reply as a new active swipe and keeps the old one", async () => {
    await open({ engine: { replies: [["First"], ["Second"]] } });
    const chatId = await t.newChat();
    const first = await t.reply(chatId, "Hello");
    const started = await t.call("chats.regenerate", { chatId });
    expect(started).toMatchObject({ kind: "swipe", parentId: first.parentId });
    const end = await t.finish(started.generationId);
    const swipe = (end.payload as { message: Message }).message;
    expect(swipe).toMatchObject({
      text: "Second",
      parentId: first.parentId,
      siblingIndex: 1,
      siblingCount: 2,
    });
    expect((await t.call("chats.swipes", { messageId: first.id })).map((m) => m.text)).toEqual([
      "First",
      "Second",
    ]);
    expect((await t.call("chats.get", { chatId })).activeLeafId).toBe(swipe.id);
  });

  it("answers a user message at the end instead of swiping it", async () => {
    await open({ engine: { replies: [["Answer"]] } });
    const chatId = await t.newChat();
    const sent = await t.call("chats.send", { chatId, text: "Hello", options: { maxTokens: 1 } });
    await t.finish(sent.generationId);
    await t.call("chats.deleteMessage", {
      messageId: (await t.call("chats.get", { chatId })).activeLeafId as number,
    });
    const started = await t.call("chats.regenerate", { chatId });
    expect(started).toMatchObject({ kind: "reply", parentId: sent.userMessageId });
    await t.finish(started.generationId);
    expect(roles((await t.call("chats.get", { chatId })).messages)).toEqual([
      "character",
      "user",
      "character",
    ]);
  });

  it("continues the last reply in place", async () => {
    await open({ engine: { replies: [["Once"], [" upon", " a time"]] } });
    const chatId = await t.newChat();
    const first = await t.reply(chatId, "Tell me a story");
    const started = await t.call("chats.continue", { chatId });
    expect(started).toMatchObject({ kind: "continue", parentId: first.parentId });
    const end = await t.finish(started.generationId);
    expect(t.eventsOf("generation.started", started.generationId)[0]?.messageId).toBe(first.id);
    expect((end.payload as { message: Message }).message).toMatchObject({
      id: first.id,
      text: "Once upon a time",
    });
    expect(t.engine.requests.at(-1)?.prompt.at(-1)?.text.endsWith("Once")).toBe(true);
  });

  it("refuses to continue a user message", async () => {
    await open();
    const chatId = await t.newChat();
    const sent = await t.call("chats.send", { chatId, text: "Hi" });
    await t.finish(sent.generationId);
    await t.call("chats.deleteMessage", {
      messageId: (await t.call("chats.get", { chatId })).activeLeafId as number,
    });
    expect(await t.fail("chats.continue", { chatId })).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("impersonates into a draft that is never stored", async () => {
    await open({ engine: { replies: [[" I wave", " back. "]] } });
    const chatId = await t.newChat();
    const started = await t.call("chats.impersonate", { chatId });
    const end = await t.finish(started.generationId);
    expect(end).toMatchObject({ event: "generation.draft", payload: { text: "I wave back." } });
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(1);
    // The prompt ends with the user's turn header: the model writes as the user.
    expect(t.engine.requests[0]?.prompt.at(-1)?.text).toMatch(/You:\s*$/);
  });
});

describe("stopping and failing", () => {
  it("keeps the partial text of an aborted reply as a stopped message", async () => {
    await open({ engine: { replies: [["One", " two", " three", " four"]] } });
    const chatId = await t.newChat();
    t.engine.pause();
    const sent = await t.call("chats.send", { chatId, text: "Count" });
    t.engine.step(2);
    await t.engine.piecesEmitted(2);
    expect(await t.call("generation.abort", { generationId: sent.generationId })).toEqual({ aborted: true });
    const end = await t.finish(sent.generationId);
    const message = (end.payload as { message: Message }).message;
    expect(message).toMatchObject({ status: "stopped", stopReason: "aborted", text: "One two" });
    expect(await t.call("generation.abort", { generationId: sent.generationId })).toEqual({ aborted: false });
  });

  it("keeps the text streamed before an error and reports both", async () => {
    await open({ engine: { replies: [{ pieces: ["Half", " a", " reply", " more"], failAt: 3 }] } });
    const chatId = await t.newChat();
    const sent = await t.call("chats.send", { chatId, text: "Go" });
    const end = await t.finish(sent.generationId);
    expect(end.event).toBe("generation.error");
    const payload = end.payload as { error: { code: string }; message: Message | null };
    expect(payload.error.code).toBe("INTERNAL");
    expect(payload.message).toMatchObject({ text: "Half a reply", status: "stopped", stopReason: "error" });
    const view = await t.call("chats.get", { chatId });
    expect(view.messages.at(-1)).toEqual(payload.message);
    expect(view.pendingGeneration).toBeNull();
  });

  it("reports an error before any text with no message, and extends a continued reply with what came", async () => {
    await open({
      engine: {
        replies: [["Start"], { pieces: ["x"], failAt: 0 }, { pieces: [" and", " on", " on"], failAt: 2 }],
      },
    });
    const chatId = await t.newChat();
    const first = await t.reply(chatId, "Go");
    const failed = await t.call("chats.regenerate", { chatId });
    expect((await t.finish(failed.generationId)).payload).toMatchObject({ message: null });
    const continued = await t.call("chats.continue", { chatId });
    const end = await t.finish(continued.generationId);
    expect(end.payload).toMatchObject({
      message: { id: first.id, text: "Start and on", stopReason: "error" },
    });
  });

  it("stops a call still waiting for the model: nothing is stored and the chat is free", async () => {
    await open({ engine: { loadDelayMs: 50 } });
    const chatId = await t.newChat();
    const generationId = randomUUID();
    const pending = t.core.dispatch("chats.send", { chatId, text: "Hello", generationId });
    expect(await t.call("generation.abort", { generationId })).toEqual({ aborted: true });
    expect(await pending).toMatchObject({ ok: false, error: { code: "ABORTED" } });
    expect(t.eventsOfGeneration(generationId)).toEqual([]);
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(1);
    expect(await t.reply(chatId, "Again")).toMatchObject({ role: "character" });
  });
});

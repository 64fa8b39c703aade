/**
 * Chat and model locks on the fake engine: racing calls on one chat (exactly one wins, even on a
 * cold model), model loads against generations, two chats at once, edits of a busy chat.
 */
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import type { Method } from "../../../shared/api/contract";
import type { Message } from "../../../shared/domain/chat";
import type { Result } from "../../../shared/errors";
import { type FakeCore, openFakeCore } from "../../fakes/fakeCore";

let t: FakeCore;
afterEach(async () => {
  await t?.close();
});

function outcomes(results: Result<unknown>[]) {
  return {
    accepted: results.filter((r) => r.ok).map((r) => (r as { value: { generationId: string } }).value),
    codes: results.filter((r) => !r.ok).map((r) => (r as { error: { code: string } }).error.code),
  };
}

/**
 * Makes the calls at once on a cold model: exactly one is accepted, the others get BUSY at once
 * (before the model has loaded), and the model loads once.
 */
async function raceOnColdModel(calls: [Method, unknown][]) {
  const loaded = () => t.eventsOf("model.status").some((s) => s.state === "loaded");
  expect(loaded()).toBe(false);
  const refusedBeforeLoad: boolean[] = [];
  const results = await Promise.all(
    calls.map(([method, input]) =>
      t.core.dispatch(method, input).then((result) => {
        if (!result.ok) refusedBeforeLoad.push(!loaded());
        return result;
      }),
    ),
  );
  const { accepted, codes } = outcomes(results);
  expect(accepted).toHaveLength(1);
  expect(codes).toEqual(["BUSY", "BUSY"]);
  expect(refusedBeforeLoad).toEqual([true, true]);
  expect(t.engine.loads).toHaveLength(1);
  return accepted;
}

/** A chat with one exchange, so every kind of generation has something to work on. */
async function chatWithReply(): Promise<number> {
  const chatId = await t.newChat();
  await t.reply(chatId, "Hello");
  return chatId;
}

describe("one chat, racing calls", () => {
  it("accepts exactly one of three sends on a cold model; the others get BUSY at once", async () => {
    t = await openFakeCore({ engine: { loadDelayMs: 40 } });
    const chatId = await t.newChat();
    const accepted = await raceOnColdModel(
      ["One", "Two", "Three"].map((text) => ["chats.send", { chatId, text }]),
    );
    await t.finish(accepted[0]?.generationId as string);
    const messages = (await t.call("chats.get", { chatId })).messages;
    expect(messages.map((m) => [m.role, m.role === "user" ? m.text : ""])).toEqual([
      ["character", ""],
      ["user", "One"],
      ["character", ""],
    ]);
  });

  for (const method of ["chats.regenerate", "chats.continue", "chats.impersonate"] as const) {
    it(`accepts exactly one of three ${method} calls on a cold model`, async () => {
      t = await openFakeCore({ engine: { loadDelayMs: 40 } });
      const chatId = await chatWithReply();
      // A new core on the same data dir starts with the model unloaded.
      const warm = t;
      await warm.core.dispose();
      onTestFinished(() => warm.close());
      t = await openFakeCore({ dataDir: warm.dir, engine: { loadDelayMs: 40 } });
      const before = (await t.call("chats.get", { chatId })).messages;
      const accepted = await raceOnColdModel([1, 2, 3].map(() => [method, { chatId }]));
      await t.finish(accepted[0]?.generationId as string);
      const after = (await t.call("chats.get", { chatId })).messages;
      const swipes = await t.call("chats.swipes", { messageId: after.at(-1)?.id as number });
      if (method === "chats.regenerate") expect(swipes).toHaveLength(2);
      else expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
    });
  }

  it("refuses a second generation of any kind while one runs, and frees the chat when it ends", async () => {
    t = await openFakeCore();
    const chatId = await chatWithReply();
    t.engine.pause();
    const running = await t.call("chats.regenerate", { chatId });
    for (const method of ["chats.send", "chats.regenerate", "chats.continue", "chats.impersonate"] as const) {
      const input = method === "chats.send" ? { chatId, text: "Hi" } : { chatId };
      expect(await t.fail(method, input)).toMatchObject({ code: "BUSY" });
    }
    t.engine.resume();
    await t.finish(running.generationId);
    expect(await t.reply(chatId, "Now?")).toMatchObject({ role: "character" });
  });

  it("refuses every edit of a busy chat with BUSY and allows them afterwards", async () => {
    t = await openFakeCore();
    const chatId = await chatWithReply();
    const [greeting, user, reply] = (await t.call("chats.get", { chatId })).messages as Message[];
    t.engine.pause();
    const running = await t.call("chats.regenerate", { chatId });
    const edits: [Method, unknown][] = [
      ["chats.editMessage", { messageId: user?.id, text: "Changed" }],
      ["chats.deleteMessage", { messageId: reply?.id }],
      ["chats.selectSwipe", { messageId: greeting?.id }],
      ["chats.setOptions", { chatId, templateId: "chatml" }],
    ];
    for (const [method, input] of edits) expect(await t.fail(method, input)).toMatchObject({ code: "BUSY" });
    // Other chats are not affected.
    const other = await t.newChat();
    await t.call("chats.setOptions", { chatId: other, templateId: "chatml" });
    t.engine.resume();
    await t.finish(running.generationId);
    for (const [method, input] of edits) expect((await t.core.dispatch(method, input)).ok).toBe(true);
  });
});

describe("model lock", () => {
  it("refuses model.load while a generation is starting on a cold model, and while it streams", async () => {
    t = await openFakeCore({ engine: { loadDelayMs: 30 } });
    const chatId = await t.newChat();
    t.engine.pause();
    const send = t.core.dispatch("chats.send", { chatId, text: "Hello" });
    expect(await t.fail("model.load", { path: "/models/other.gguf" })).toMatchObject({ code: "BUSY" });
    expect(await t.fail("model.calibrate", {})).toMatchObject({ code: "BUSY" });
    const sent = (await send) as { ok: true; value: { generationId: string } };
    expect(sent.ok).toBe(true);
    expect(await t.fail("model.load", { path: "/models/other.gguf" })).toMatchObject({ code: "BUSY" });
    t.engine.resume();
    await t.finish(sent.value.generationId);
    expect((await t.call("model.load", { path: "/models/other.gguf", remember: false })).path).toBe(
      "/models/other.gguf",
    );
    expect(t.engine.loads.map((l) => l.path)).toEqual(["/models/fake.gguf", "/models/other.gguf"]);
  });

  it("lets a send made during an explicit load wait for it instead of loading again", async () => {
    t = await openFakeCore({ engine: { loadDelayMs: 30 } });
    const chatId = await t.newChat();
    const load = t.call("model.load", {});
    const reply = await t.reply(chatId, "Hello");
    expect((await load).state).toBe("loaded");
    expect(reply.role).toBe("character");
    expect(t.engine.loads).toHaveLength(1);
  });

  it("shows loading, then calibrating, then loaded when the thread count must be measured", async () => {
    t = await openFakeCore({ engine: { loadDelayMs: 5, calibrationDelayMs: 5 }, settings: { threads: 0 } });
    const chatId = await t.newChat();
    await t.reply(chatId, "Hello");
    expect(t.eventsOf("model.status").map((s) => `${s.state}/${s.phase ?? "-"}`)).toEqual([
      "loading/loading",
      "loading/calibrating",
      "loaded/-",
    ]);
    expect(t.engine.calibrations).toBe(1);
    expect((await t.call("settings.get", {})).modelOverrides["/models/fake.gguf"]?.threads).toBe(1);
  });

  it("reloads after a threads change with the loaded model, even when no model path is saved", async () => {
    // As `masque web --model PATH`: loaded without saving the path.
    t = await openFakeCore({ settings: { modelPath: "" } });
    const chatId = await t.newChat();
    await t.call("model.load", { path: "/models/cli.gguf", remember: false });
    await t.call("settings.update", { threads: 2 });
    await t.reply(chatId, "Hello");
    await t.call("settings.update", { contextSize: 1024 });
    await t.reply(chatId, "Again");
    expect(t.engine.loads.map((l) => [l.path, l.options.threads, l.options.contextSize])).toEqual([
      ["/models/cli.gguf", 1, 2048],
      ["/models/cli.gguf", 2, 2048],
      ["/models/cli.gguf", 2, 1024],
    ]);
    // A changed model path setting is followed.
    await t.call("settings.update", { modelPath: "/models/new.gguf" });
    await t.reply(chatId, "And now?");
    expect(t.engine.loads.at(-1)?.path).toBe("/models/new.gguf");
  });

  it("does not reload under another chat's running generation; the reload waits for a later call", async () => {
    t = await openFakeCore();
    const a = await t.newChat();
    const b = await t.newChat();
    await t.reply(a, "Load it");
    t.engine.pause();
    const running = await t.call("chats.send", { chatId: a, text: "Long one" });
    await t.call("settings.update", { contextSize: 1024 });
    const other = await t.call("chats.send", { chatId: b, text: "Meanwhile" });
    expect(t.engine.loads).toHaveLength(1);
    t.engine.resume();
    await t.finish(running.generationId);
    await t.finish(other.generationId);
    await t.reply(b, "Later");
    expect(t.engine.loads.map((l) => l.options.contextSize)).toEqual([2048, 1024]);
  });
});

describe("several chats", () => {
  it("generates on two chats at once", async () => {
    t = await openFakeCore({ engine: { replies: [["a", "b", "c", "d"]] } });
    const a = await t.newChat();
    const b = await t.newChat();
    await t.reply(a, "warm up");
    t.engine.pause();
    const first = await t.call("chats.send", { chatId: a, text: "One" });
    const second = await t.call("chats.send", { chatId: b, text: "Two" });
    await vi.waitFor(() => expect(t.engine.requests).toHaveLength(3));
    expect(t.internals.generations.running()).toBe(2);
    t.engine.resume();
    const ends = await Promise.all([t.finish(first.generationId), t.finish(second.generationId)]);
    expect(ends.map((e) => e.event)).toEqual(["generation.done", "generation.done"]);
    expect(ends.map((e) => (e.payload as { message: Message }).message.chatId)).toEqual([a, b]);
  });
});

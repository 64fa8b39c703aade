/** Chat operations with the real model and database: swipes anywhere, edit, delete, branch, continue, impersonate. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../shared/domain/chat";
import { openTestCore, type TestCore } from "../helpers/core";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

describe.skipIf(!HAS_TEST_MODEL)("role-play operations", () => {
  let t: TestCore;
  let characterId: number;
  const internals = () => t.core as unknown as { generations: { settled(id: string): Promise<void> } };

  beforeAll(async () => {
    t = await openTestCore();
    await t.call("settings.update", {
      contextSize: 1024,
      threads: 1,
      maxTokens: 16,
      userName: "Sam",
      modelPath: TEST_MODEL_PATH,
    });
    const character = await t.call("characters.create", {
      name: "Lily",
      description: "Lily is a little girl who loves the park.",
      greeting: "Hi! I am Lily.",
    });
    characterId = character.id;
    await t.call("characters.update", {
      id: characterId,
      data: { alternate_greetings: ["Hello there, I am Lily!"] },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function finish(started: { generationId: string }) {
    await internals().generations.settled(started.generationId);
    const error = t.eventsOf("generation.error", started.generationId)[0];
    if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
    return {
      message: t.eventsOf("generation.done", started.generationId)[0]?.message as Message,
      draft: t.eventsOf("generation.draft", started.generationId)[0]?.text,
    };
  }

  async function newChat() {
    const view = await t.call("chats.create", { characterId });
    const chatId = view.chat.id;
    for (const [i, text] of ["Hello Lily!", "Shall we play?", "What now?"].entries()) {
      await finish(await t.call("chats.send", { chatId, text, options: { seed: i + 1 } }));
    }
    return chatId;
  }

  it("offers alternate greetings as swipes of the first message", async () => {
    const view = await t.call("chats.create", { characterId });
    const [greeting] = view.messages;
    expect(greeting).toMatchObject({ text: "Hi! I am Lily.", siblingIndex: 0, siblingCount: 2 });
    const swipes = await t.call("chats.swipes", { messageId: greeting?.id as number });
    const switched = await t.call("chats.selectSwipe", { messageId: swipes[1]?.id as number });
    expect(switched.messages[0]?.text).toBe("Hello there, I am Lily!");
  });

  it("swipes a message in the middle, keeps the old branch, and switches back", async () => {
    const chatId = await newChat();
    const before = (await t.call("chats.get", { chatId })).messages;
    expect(before.map((m) => m.role)).toEqual([
      "character",
      "user",
      "character",
      "user",
      "character",
      "user",
      "character",
    ]);
    const middle = before[4] as Message;
    const { message: swipe } = await finish(
      await t.call("chats.regenerate", { chatId, messageId: middle.id, options: { seed: 99 } }),
    );
    expect(swipe.parentId).toBe(middle.parentId);
    const after = (await t.call("chats.get", { chatId })).messages;
    expect(after).toHaveLength(5);
    expect(after.at(-1)).toMatchObject({ id: swipe.id, siblingIndex: 1, siblingCount: 2 });
    const back = await t.call("chats.selectSwipe", { messageId: middle.id });
    expect(back.messages.map((m) => m.id)).toEqual(before.map((m) => m.id));
  });

  it("re-evaluates only the last prompt token for a swipe of the last reply", async () => {
    const chatId = await newChat();
    const { message } = await finish(await t.call("chats.regenerate", { chatId, options: { seed: 5 } }));
    expect(message.stats?.evaluatedTokens).toBe(1);
    // The old reply's tokens are gone from the cache: the swipe is generated right after the prompt.
    const engine = t.core as unknown as {
      engine: { sessions: Map<string, { sequence: { nextTokenIndex: number } }> };
    };
    const used = engine.engine.sessions.get(String(chatId))?.sequence.nextTokenIndex ?? 0;
    expect(used).toBeLessThanOrEqual(
      (message.stats?.promptTokens ?? 0) + (message.stats?.generatedTokens ?? 0),
    );
    expect(message.provenance).toMatchObject({ template: "pygmalion", seed: 5, threads: 1 });
    expect(message.provenance?.modelHash).toMatch(/^fast-sha256:[0-9a-f]{32}$/);
    expect(message.provenance?.reusedTokens).toBe((message.stats?.promptTokens ?? 0) - 1);
    expect(Object.keys(message.provenance?.sampler ?? {})).toEqual(
      expect.arrayContaining([
        "temperature",
        "minP",
        "topP",
        "topK",
        "repeatPenalty",
        "dryMultiplier",
        "xtcProbability",
        "maxTokens",
      ]),
    );
  });

  it("continues the last reply in place", async () => {
    const chatId = await newChat();
    const last = (await t.call("chats.get", { chatId })).messages.at(-1) as Message;
    const { message } = await finish(
      await t.call("chats.continue", { chatId, options: { maxTokens: 12, seed: 3 } }),
    );
    expect(message.id).toBe(last.id);
    expect(message.text.startsWith(last.text)).toBe(true);
    expect(message.text.length).toBeGreaterThan(last.text.length);
  });

  it("impersonates the user into a draft that is neither stored nor sent", async () => {
    const chatId = await newChat();
    const count = (await t.call("chats.get", { chatId })).messages.length;
    const started = await t.call("chats.impersonate", { chatId, options: { seed: 4 } });
    expect(started.kind).toBe("impersonate");
    const { draft, message } = await finish(started);
    expect(typeof draft).toBe("string");
    expect(message).toBeUndefined();
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(count);
  });

  it("edits any message in place and marks it edited", async () => {
    const chatId = await newChat();
    const [, user, reply] = (await t.call("chats.get", { chatId })).messages;
    const edited = await t.call("chats.editMessage", { messageId: user?.id as number, text: "Hello, Lily." });
    expect(edited).toMatchObject({ text: "Hello, Lily.", id: user?.id });
    expect(edited.editedAt).not.toBeNull();
    await t.call("chats.editMessage", { messageId: reply?.id as number, text: "*waves*" });
    const view = await t.call("chats.get", { chatId });
    expect(view.messages.map((m) => m.text).slice(1, 3)).toEqual(["Hello, Lily.", "*waves*"]);
    expect(await t.fail("chats.editMessage", { messageId: reply?.id as number, text: "  " })).toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("deletes one message (its replies move up) or, when asked, its whole branch", async () => {
    const chatId = await newChat();
    const messages = (await t.call("chats.get", { chatId })).messages;
    const alone = await t.call("chats.deleteMessage", { messageId: messages[3]?.id as number });
    expect(alone.messages.map((m) => m.id)).toEqual(messages.filter((_, i) => i !== 3).map((m) => m.id));
    const branch = await t.call("chats.deleteMessage", {
      messageId: messages[2]?.id as number,
      withDescendants: true,
    });
    expect(branch.messages.map((m) => m.id)).toEqual(messages.slice(0, 2).map((m) => m.id));
    expect(branch.activeLeafId).toBe(messages[1]?.id);
  });

  it("refuses to delete a greeting alone when it has replies", async () => {
    const chatId = await newChat();
    const [greeting] = (await t.call("chats.get", { chatId })).messages;
    expect(await t.fail("chats.deleteMessage", { messageId: greeting?.id as number })).toMatchObject({
      code: "INVALID_INPUT",
    });
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(7);
  });

  it("branches a chat from any message into a new chat, edit marks included", async () => {
    const chatId = await newChat();
    const messages = (await t.call("chats.get", { chatId })).messages;
    await t.call("chats.editMessage", { messageId: messages[1]?.id as number, text: "Hello again, Lily!" });
    const branched = await t.call("chats.branch", { messageId: messages[2]?.id as number });
    expect(branched.messages[1]?.editedAt).not.toBeNull();
    expect(branched.chat.id).not.toBe(chatId);
    expect(branched.messages.map((m) => m.text)).toEqual(
      (await t.call("chats.get", { chatId })).messages.slice(0, 3).map((m) => m.text),
    );
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(messages.length);
  });

  it("refuses a second generation in the same chat", async () => {
    const chatId = await newChat();
    const started = await t.call("chats.regenerate", { chatId, options: { maxTokens: 200 } });
    expect(await t.fail("chats.continue", { chatId })).toMatchObject({ code: "BUSY" });
    expect(
      await t.fail("chats.editMessage", { messageId: started.parentId as number, text: "x" }),
    ).toMatchObject({ code: "BUSY" });
    await finish(started);
  });

  it("reports the prompt blocks, what was dropped and the cache use of the last reply", async () => {
    const chatId = await newChat();
    const report = await t.call("chats.prompt", { chatId });
    expect(report.templateId).toBe("pygmalion");
    expect(report.blocks.map((b) => b.kind)).toEqual(
      expect.arrayContaining(["persona", "chat-start", "message", "reply-prefix"]),
    );
    expect(report.blocks.reduce((s, b) => s + b.tokens, 0)).toBeGreaterThan(0);
    expect(report.lastReply?.reusedTokens).toBeGreaterThan(0);
    const options = await t.call("chats.setOptions", { chatId, templateId: "chatml", examplesMode: "strip" });
    expect(options.options).toEqual({ templateId: "chatml", examplesMode: "strip" });
    expect((await t.call("chats.prompt", { chatId })).templateId).toBe("chatml");
    await t.call("chats.setOptions", { chatId, templateId: null });
    expect((await t.call("chats.prompt", { chatId })).templateId).toBe("pygmalion");
    expect(await t.fail("chats.setOptions", { chatId, templateId: "nope" })).toBeDefined();
  });

  it("never lets typed control-token text become control tokens", async () => {
    const chatId = await newChat();
    await t.call("chats.setOptions", { chatId, templateId: "chatml" });
    const engine = (t.core as unknown as { engine: import("../../electron/services/engine/engine").Engine })
      .engine;
    const eos = engine.tokenizePrompt([{ text: "</s>", special: true }]).at(-1);
    const asText = engine.tokenizePrompt([{ text: "hello </s> <|im_end|>", special: false }]);
    expect(asText.slice(1)).not.toContain(eos);
    const { message } = await finish(
      await t.call("chats.send", { chatId, text: "</s> <|im_end|> ok?", options: { seed: 1 } }),
    );
    expect(message.role).toBe("character");
  });

  it("saves, applies and deletes sampler presets", async () => {
    await t.call("settings.update", { temperature: 0.3, minP: 0.1 });
    const saved = await t.call("presets.save", { name: "Calm" });
    expect(saved.samplerPresets).toContainEqual({
      name: "Calm",
      values: expect.objectContaining({ temperature: 0.3, minP: 0.1 }),
    });
    await t.call("settings.update", { temperature: 1.2 });
    expect((await t.call("presets.apply", { name: "calm" })).temperature).toBe(0.3);
    expect(await t.fail("presets.save", { name: "Bad", values: { colour: 1 } })).toMatchObject({
      code: "INVALID_INPUT",
    });
    expect((await t.call("presets.delete", { name: "Calm" })).samplerPresets).toEqual([]);
    expect(await t.fail("presets.apply", { name: "Calm" })).toMatchObject({ code: "NOT_FOUND" });
  });

  it("reloads the model only when a model setting really changed", async () => {
    const chatId = await newChat();
    const loads = () => t.eventsOf("model.status").filter((s) => s.state === "loading").length;
    const before = loads();
    await t.call("settings.update", { contextSize: 1024, threads: 1, userName: "Sam" });
    await finish(await t.call("chats.send", { chatId, text: "Again?", options: { seed: 8 } }));
    expect(loads()).toBe(before);
    await t.call("settings.update", { contextSize: 1536 });
    await finish(await t.call("chats.send", { chatId, text: "And now?", options: { seed: 9 } }));
    expect(loads()).toBe(before + 1);
    expect((await t.call("model.status", {})).contextSize).toBe(1536);
    await t.call("settings.update", { contextSize: 1024 });
  });

  it("applies the repeat penalty over its window of recent tokens, and a window of 0 turns it off", async () => {
    const chatId = await newChat();
    const swipe = async (repeatLastN: number) => {
      // At temperature 0 llama.cpp samples greedily and skips penalties, so use a fixed seed instead.
      await t.call("settings.update", { repeatPenalty: 1.8, repeatLastN, temperature: 0.7 });
      return (
        await finish(await t.call("chats.regenerate", { chatId, options: { seed: 11, maxTokens: 24 } }))
      ).message.text;
    };
    const withHistory = await swipe(512);
    const noWindow = await swipe(0);
    const noWindowAgain = await swipe(0);
    expect(noWindow).toBe(noWindowAgain);
    expect(withHistory).not.toBe(noWindow);
    await t.call("settings.update", { repeatPenalty: 1.08, repeatLastN: 256, temperature: 0.8 });
  });

  it("lists the templates", async () => {
    const ids = (await t.call("templates.list", {})).map((x) => x.id);
    expect(ids).toEqual([
      "auto",
      "model",
      "pygmalion",
      "metharme",
      "chatml",
      "llama3",
      "mistral",
      "alpaca",
      "vicuna",
      "gemma",
    ]);
  });

  it("measures threads, keeps the fastest per model, and an explicit setting wins", async () => {
    const calibration = await t.call("model.calibrate", {});
    expect(calibration.results.map((r) => r.threads)).toEqual([1, 2].slice(0, calibration.results.length));
    const fastest = calibration.results.reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
    expect(calibration.best).toBe(fastest.threads);
    expect(calibration.threads).toBe(1);
    expect((await t.call("settings.get", {})).modelOverrides[TEST_MODEL_PATH]?.threads).toBe(
      calibration.best,
    );
  });
});

import { closeSync, copyFileSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestCore, type TestCore } from "../helpers/core";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

/** Real model, real database: load, stream, stop, KV reuse and bad files. */
describe.skipIf(!HAS_TEST_MODEL)("engine with the real model", () => {
  let t: TestCore;
  let chatId: number;

  beforeAll(async () => {
    t = await openTestCore();
    await t.call("settings.update", { contextSize: 1024, threads: 1, maxTokens: 40, userName: "Sam" });
    const character = await t.call("characters.create", {
      name: "Lily",
      description: "Lily is a little girl who loves the park.",
      greeting: "Hi! I am Lily. Do you want to play?",
    });
    chatId = (await t.call("chats.create", { characterId: character.id })).chat.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function send(text: string, options: { maxTokens?: number; seed?: number } = {}) {
    const sent = await t.call("chats.send", { chatId, text, options: { seed: 7, ...options } });
    await (t.core as unknown as { generations: { settled(id: string): Promise<void> } }).generations.settled(
      sent.generationId,
    );
    const error = t.eventsOf("generation.error", sent.generationId)[0];
    if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
    const done = t.eventsOf("generation.done", sent.generationId)[0];
    if (!done) throw new Error("no generation.done event");
    return { sent, reply: done.message, deltas: t.eventsOf("generation.delta", sent.generationId) };
  }

  it("loads the model and reports what it is", async () => {
    const status = await t.call("model.load", { path: TEST_MODEL_PATH });
    expect(status).toMatchObject({ state: "loaded", threads: 1, contextSize: 1024 });
    expect(status.info).toMatchObject({ architecture: "llama", fileName: "stories260K.gguf" });
    expect(t.eventsOf("model.status").map((s) => s.state)).toEqual(["loading", "loaded"]);
    expect((await t.call("settings.get", {})).modelPath).toBe(TEST_MODEL_PATH);
  });

  it("streams a reply as deltas and stores it with its stats", async () => {
    const { sent, reply, deltas } = await send("Hello Lily, what do you like?");
    expect(deltas.length).toBeGreaterThan(0);
    // The reply is stored exactly as streamed (only trailing whitespace trimmed).
    expect(
      deltas
        .map((d) => d.text)
        .join("")
        .trimEnd(),
    ).toBe(reply.text);
    expect(reply.text.length).toBeGreaterThan(0);
    expect(reply).toMatchObject({ role: "character", parentId: sent.userMessageId, status: "complete" });
    expect(reply.stats?.generatedTokens).toBeGreaterThan(0);
    expect(reply.stats?.evaluatedTokens).toBe(reply.stats?.promptTokens);
    expect(reply.provenance).toMatchObject({ modelFile: "stories260K.gguf", threads: 1, seed: 7 });
    const view = await t.call("chats.get", { chatId });
    expect(view.messages.map((m) => m.role)).toEqual(["character", "user", "character"]);
  });

  it("evaluates only the new tokens on the next turn (KV cache reuse)", async () => {
    const { reply } = await send("Tell me about the swing.");
    const stats = reply.stats;
    expect(stats).not.toBeNull();
    if (!stats) return;
    // The new user turn is ~10 tokens plus the template around it; the prompt is several times that.
    expect(stats.evaluatedTokens).toBeLessThan(stats.promptTokens / 2);
    expect(stats.evaluatedTokens).toBeLessThan(40);
    expect(stats.evaluatedTokens).toBeGreaterThan(0);
  });

  it("stops a reply mid-way and keeps the partial text as a stopped message", async () => {
    // Two threads on a small machine slow generation down enough to stop it for sure.
    await t.call("model.load", { threads: 2 });
    const sent = await t.call("chats.send", {
      chatId,
      text: "Tell me a long story.",
      options: { maxTokens: 600, seed: 3 },
    });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (t.eventsOf("generation.delta", sent.generationId).length > 0) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    expect(await t.call("generation.abort", { generationId: sent.generationId })).toEqual({ aborted: true });
    await (t.core as unknown as { generations: { settled(id: string): Promise<void> } }).generations.settled(
      sent.generationId,
    );
    const reply = t.eventsOf("generation.done", sent.generationId)[0]?.message;
    expect(reply).toMatchObject({ status: "stopped", stopReason: "aborted" });
    expect(reply?.text.length).toBeGreaterThan(0);
    expect(reply?.stats?.generatedTokens).toBeLessThan(600);
    expect((await t.call("chats.get", { chatId })).messages.at(-1)?.id).toBe(reply?.id);
    expect(await t.call("generation.abort", { generationId: sent.generationId })).toEqual({ aborted: false });
    await t.call("model.load", { threads: 1 });
  });

  it("refuses a second message while a reply is being generated", async () => {
    const sent = await t.call("chats.send", { chatId, text: "One", options: { maxTokens: 200 } });
    expect(await t.fail("chats.send", { chatId, text: "Two" })).toMatchObject({ code: "BUSY" });
    await (t.core as unknown as { generations: { settled(id: string): Promise<void> } }).generations.settled(
      sent.generationId,
    );
  });

  it("refuses a message that cannot fit the context with CONTEXT_OVERFLOW, storing nothing", async () => {
    const before = (await t.call("chats.get", { chatId })).messages.length;
    const error = await t.fail("chats.send", { chatId, text: "park ".repeat(3000) });
    expect(error.code).toBe("CONTEXT_OVERFLOW");
    expect(error.message).toMatch(/\d+ tokens/);
    expect((await t.call("chats.get", { chatId })).messages.length).toBe(before);
  });

  it("caps the context at the size the model was trained for, and says so in the status", async () => {
    const status = await t.call("model.load", { contextSize: 4096 });
    expect(status.info?.trainContextSize).toBe(2048);
    expect(status.contextSize).toBe(2048);
    expect((await t.call("model.load", { contextSize: 1024 })).contextSize).toBe(1024);
  });

  describe("bad model files", () => {
    it("names a non-GGUF file and the reason", async () => {
      const path = join(t.dir, "notes.gguf");
      writeFileSync(path, "hello, I am a text file and not a model");
      const error = await t.fail("model.load", { path, remember: false });
      expect(error.code).toBe("MODEL_INVALID");
      expect(error.message).toContain(path);
      expect(error.message).toMatch(/not a GGUF model/);
    });

    it("explains a file truncated after the header (tensor data missing)", async () => {
      const path = join(t.dir, "truncated.gguf");
      writeFileSync(path, readFileSync(TEST_MODEL_PATH).subarray(0, 100 * 1024));
      const error = await t.fail("model.load", { path, remember: false });
      expect(error.code).toBe("MODEL_INVALID");
      expect(error.message).toContain("truncated.gguf");
      expect(error.message).not.toBe("Failed to load model");
      expect(error.message).toMatch(/not within the file bounds|corrupted|incomplete/);
    });

    it("explains a file truncated inside the header", async () => {
      const path = join(t.dir, "header.gguf");
      copyFileSync(TEST_MODEL_PATH, path);
      const fd = openSync(path, "r+");
      writeSync(fd, Buffer.alloc(0), 0, 0, 0);
      closeSync(fd);
      writeFileSync(path, readFileSync(TEST_MODEL_PATH).subarray(0, 1000));
      const error = await t.fail("model.load", { path, remember: false });
      expect(error.code).toBe("MODEL_INVALID");
      expect(error.message).toMatch(/truncated|incomplete|corrupt|header/i);
    });

    it("says so when the file does not exist", async () => {
      const error = await t.fail("model.load", { path: join(t.dir, "missing.gguf"), remember: false });
      expect(error).toMatchObject({ code: "MODEL_INVALID" });
      expect(error.message).toContain("no such file");
    });

    it("keeps the previous model working after a failed load", async () => {
      const status = await t.call("model.status", {});
      expect(status.state).toBe("loaded");
      expect(status.error?.code).toBe("MODEL_INVALID");
      expect((await t.call("settings.get", {})).modelPath).toBe(TEST_MODEL_PATH);
      const { reply } = await send("Are you still there?");
      expect(reply.text.length).toBeGreaterThan(0);
    });
  });
});

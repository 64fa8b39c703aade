/**
 * A remote chat end to end with real model text: the real engine (stories260K) behind a loopback
 * server speaking llama-server's dialect, driven through the real core and through the CLI as a
 * user runs it (a separate process).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMasque } from "../helpers/cli";
import { openTestCore, type TestCore } from "../helpers/core";
import { startFakeBackend } from "../helpers/fakeBackendServer";
import { type LlamaServerBridge, startLlamaServerBridge } from "../helpers/llamaServerBridge";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

describe.skipIf(!HAS_TEST_MODEL)("a remote llama-server backend running the real model", () => {
  let bridge: LlamaServerBridge;
  beforeAll(async () => {
    bridge = await startLlamaServerBridge(TEST_MODEL_PATH, 512);
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
  });

  it("chats through the core: real text, exact counts from the server, provenance names the backend", async () => {
    const t: TestCore = await openTestCore();
    try {
      await t.call("settings.update", { maxTokens: 24, userName: "Sam" });
      await t.call("backends.add", { name: "gpu-box", kind: "llama-server", url: bridge.url });
      expect(await t.call("backends.test", { name: "gpu-box" })).toEqual({
        ok: true,
        name: "gpu-box",
        model: "stories260K.gguf",
        contextSize: 512,
      });
      await t.call("backends.use", { name: "gpu-box" });
      const character = await t.call("characters.create", { name: "Lily", greeting: "Hi! I am Lily." });
      const { chat } = await t.call("chats.create", { characterId: character.id });
      const sent = await t.call("chats.send", {
        chatId: chat.id,
        text: "Once upon a time",
        options: { seed: 3 },
      });
      await (
        t.core as unknown as { generations: { settled(id: string): Promise<void> } }
      ).generations.settled(sent.generationId);
      const done = t.eventsOf("generation.done", sent.generationId)[0];
      expect(done, JSON.stringify(t.eventsOf("generation.error"))).toBeDefined();
      const reply = done?.message;
      expect(reply?.text.trim().length).toBeGreaterThan(0);
      expect(reply?.provenance).toMatchObject({ backend: "gpu-box", modelFile: "stories260K.gguf", seed: 3 });

      const report = await t.call("chats.prompt", { chatId: chat.id });
      expect(report.backend?.tokenCounts).toBe("server");
      const prompt = report.blocks.map((b) => b.text).join("");
      expect(bridge.completions.at(-1)?.prompt).toBe(prompt);
      // The budget counted with the real tokenizer, through the server.
      expect(report.promptTokens).toBe(bridge.engine.countPromptTokens([{ text: prompt, special: false }]));
      expect(reply?.stats?.promptTokens).toBe(report.promptTokens);
      // The same prompt and seed on the engine directly gives the same text.
      const direct = await bridge.engine.generate({
        sessionKey: "direct",
        prompt: [{ text: prompt, special: false }],
        stopStrings: (bridge.completions.at(-1)?.stop as string[]) ?? [],
        stopMarkers: [],
        maxTokens: 24,
        sampler: reply?.provenance?.sampler as never,
        seed: 3,
        signal: new AbortController().signal,
        onText: () => {},
      });
      expect(reply?.text).toBe(direct.text.trimEnd());
    } finally {
      await t.close();
    }
  }, 60_000);

  it("counts with a local tokenizer of the same model when the server has none (OpenAI kind)", async () => {
    const server = await startFakeBackend({ dialect: "openai", model: "stories" });
    const t: TestCore = await openTestCore();
    try {
      const missing = await t.fail("backends.add", {
        name: "o",
        kind: "openai",
        url: server.url,
        tokenizerModel: "/nowhere/model.gguf",
      });
      expect(missing).toMatchObject({
        code: "INVALID_INPUT",
        message: "tokenizerModel: /nowhere/model.gguf does not exist",
      });
      await t.call("backends.add", {
        name: "o",
        kind: "openai",
        url: server.url,
        tokenizerModel: TEST_MODEL_PATH,
      });
      await t.call("backends.use", { name: "o" });
      const character = await t.call("characters.create", { name: "Lily", greeting: "Hi! I am Lily." });
      const { chat } = await t.call("chats.create", { characterId: character.id });
      const report = await t.call("chats.prompt", { chatId: chat.id });
      expect(report.backend?.tokenCounts).toBe("local-tokenizer");
      const prompt = report.blocks.map((b) => b.text).join("");
      // llama.cpp's own tokenization of the raw text (as a server does it), plus BOS.
      expect(report.promptTokens).toBe(bridge.engine.countTokens(prompt) + 1);
    } finally {
      await t.close();
      await server.close();
    }
  }, 60_000);

  it("drives the same through the CLI: backends add/test/use/list, chats send --json with the backend", async () => {
    const temp = makeTempDir("masque-remote-cli-");
    const masque = (...args: string[]) => runMasque(["--data-dir", temp.dir, ...args]);
    try {
      const added = await masque(
        "backends",
        "add",
        "box",
        "--kind",
        "llama-server",
        "--url",
        bridge.url,
        "--json",
      );
      expect(added.code, added.stderr).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ name: "box", kind: "llama-server", apiKey: "none" });
      const tested = await masque("backends", "test", "box", "--json");
      expect(tested.code, tested.stderr).toBe(0);
      expect(JSON.parse(tested.stdout)).toMatchObject({
        ok: true,
        model: "stories260K.gguf",
        contextSize: 512,
      });
      expect((await masque("backends", "use", "box")).stdout).toContain("Active backend: box");
      const listed = await masque("backends", "list");
      expect(listed.stdout).toMatch(/\* box {2}llama-server/);

      const character = JSON.parse((await masque("characters", "create", "--name", "Lily", "--json")).stdout);
      const chat = JSON.parse((await masque("chats", "new", String(character.id), "--json")).stdout);
      const sent = await masque(
        "chats",
        "send",
        String(chat.chat.id),
        "Hello",
        "--seed",
        "5",
        "--max-tokens",
        "16",
        "--json",
      );
      expect(sent.code, sent.stderr).toBe(0);
      const out = JSON.parse(sent.stdout);
      expect(out.reply.text.length).toBeGreaterThan(0);
      expect(out.reply.stats).toMatchObject({ backend: "box" });
      const again = await masque("chats", "regenerate", String(chat.chat.id), "--json");
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).reply.stats.backend).toBe("box");

      expect((await masque("backends", "use", "local")).code).toBe(0);
      const removed = await masque("backends", "rm", "box");
      expect(removed.code, removed.stderr).toBe(0);
      const missing = await masque("backends", "test", "box");
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("NOT_FOUND");
    } finally {
      temp.cleanup();
    }
  }, 90_000);

  it("the CLI reports an unreachable backend with its name and exit code 1", async () => {
    const temp = makeTempDir("masque-remote-cli-");
    const masque = (...args: string[]) => runMasque(["--data-dir", temp.dir, ...args]);
    try {
      await masque("backends", "add", "gone", "--kind", "openai", "--url", "http://127.0.0.1:9");
      const tested = await masque("backends", "test", "gone");
      expect(tested.code).toBe(1);
      expect(tested.stderr).toContain(
        'BACKEND_UNAVAILABLE: Backend "gone" (http://127.0.0.1:9) cannot be reached',
      );
      const json = await masque("backends", "test", "gone", "--json");
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: "BACKEND_UNAVAILABLE" } });
      const refused = await masque(
        "backends",
        "add",
        "web",
        "--kind",
        "openai",
        "--url",
        "http://example.com",
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("INVALID_INPUT");
      const usage = await masque("backends", "add", "x", "--url", "https://a.example");
      expect(usage.stderr).toContain("--kind llama-server|openai");
    } finally {
      temp.cleanup();
    }
  }, 60_000);
});

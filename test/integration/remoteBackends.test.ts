/**
 * Remote backends through the real core (real database, real prompt assembly) against loopback
 * servers of our own that speak each dialect. The local engine is the fake one: a remote chat
 * must never touch it.
 */
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "../../shared/domain/chat";
import { type FakeCore, openFakeCore } from "../fakes/fakeCore";
import { type FakeBackend, fakeTokenCount, startFakeBackend } from "../helpers/fakeBackendServer";

let t: FakeCore;
let server: FakeBackend;
afterEach(async () => {
  await t?.close();
  await server?.close();
});

async function setup(
  kind: "llama-server" | "openai",
  extra: Parameters<typeof startFakeBackend>[0] extends infer O ? Partial<O> : never = {},
) {
  server = await startFakeBackend({ dialect: kind, ...extra });
  t = await openFakeCore({ internal: { remoteTimeouts: { connectTimeoutMs: 2000, idleTimeoutMs: 300 } } });
  await t.call("backends.add", { name: "box", kind, url: server.url });
  await t.call("backends.use", { name: "box" });
  return t.newChat();
}

async function sendAndFinish(chatId: number, text: string, options = {}) {
  const sent = await t.call("chats.send", { chatId, text, options });
  const end = await t.finish(sent.generationId);
  return { sent, end };
}

function doneMessage(end: Awaited<ReturnType<FakeCore["finish"]>>): Message {
  if (end.event !== "generation.done") throw new Error(`expected done, got ${JSON.stringify(end.payload)}`);
  return end.payload.message;
}

describe("llama-server backend", () => {
  it("sends the inspector's prompt, stop strings, reply limit, seed and every sampler; streams the reply", async () => {
    const chatId = await setup("llama-server");
    server.plan = { pieces: ["Hel", "lo", " Sam", "!"], delayMs: 2, ending: "eos" };
    const { end } = await sendAndFinish(chatId, "Hi Lily", { seed: 42, maxTokens: 50 });
    const reply = doneMessage(end);
    expect(reply.text).toBe("Hello Sam!");
    expect(t.engine.requests).toHaveLength(0);
    expect(t.engine.loads).toHaveLength(0);

    const report = await t.call("chats.prompt", { chatId });
    const inspected = report.blocks.map((b) => b.text).join("");
    const body = server.completions()[0] as Record<string, unknown>;
    expect(body.prompt).toBe(inspected);
    expect(body).toMatchObject({
      n_predict: 50,
      seed: 42,
      stream: true,
      cache_prompt: true,
      temperature: 0.8,
      top_p: 1,
      top_k: 0,
      min_p: 0.05,
      repeat_penalty: 1.08,
      repeat_last_n: 256,
      frequency_penalty: 0,
      presence_penalty: 0,
      dry_multiplier: 0,
      dry_base: 1.75,
      dry_allowed_length: 2,
      xtc_probability: 0,
      xtc_threshold: 0.1,
    });
    // Pygmalion (the fake server has no chat template): the next turn's names stop the reply.
    expect(body.stop).toEqual(expect.arrayContaining(["\nYou:", "\nSam:"]));
    expect(report.backend).toEqual({
      name: "box",
      kind: "llama-server",
      model: "fake-model",
      tokenCounts: "server",
      ignoredSamplers: [],
    });
    // Exact counts come from the server's /tokenize.
    expect(report.promptTokens).toBe(fakeTokenCount(inspected, true));
    expect(server.requests.filter((r) => r.path === "/tokenize").length).toBeGreaterThan(0);

    expect(reply.provenance).toMatchObject({
      backend: "box",
      modelFile: "fake-model",
      seed: 42,
      contextSize: 2048,
    });
    expect(reply.stats).toMatchObject({
      generatedTokens: 4,
      promptTokens: fakeTokenCount(String(body.prompt), true),
    });
    expect(reply.stopReason).toBe("eos");
  });

  it("streams deltas that rebuild the reply, and a swipe goes to the server too", async () => {
    const chatId = await setup("llama-server");
    const { sent, end } = await sendAndFinish(chatId, "Hi");
    const deltas = t.eventsOf("generation.delta", sent.generationId);
    expect(deltas.map((d) => d.text).join("")).toBe(doneMessage(end).text);
    server.plan = { pieces: ["Another", " one."], delayMs: 1, ending: "limit" };
    const again = await t.call("chats.regenerate", { chatId });
    const swipe = doneMessage(await t.finish(again.generationId));
    expect(swipe).toMatchObject({ text: "Another one.", stopReason: "max-tokens", siblingCount: 2 });
    expect(server.completions()).toHaveLength(2);
  });

  it("cuts the reply at a stop string the server let through", async () => {
    const chatId = await setup("llama-server");
    server.plan = { pieces: ["Sure.", "\nSa", "m: and more"], delayMs: 1, ending: "eos" };
    const reply = doneMessage((await sendAndFinish(chatId, "Hi")).end);
    expect(reply).toMatchObject({ text: "Sure.", stopReason: "stop-string" });
  });

  it("stopping closes the request and keeps the partial reply", async () => {
    const chatId = await setup("llama-server");
    server.plan = { pieces: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 10, ending: "eos" };
    const sent = await t.call("chats.send", { chatId, text: "Talk" });
    await waitFor(() => t.eventsOf("generation.delta", sent.generationId).length >= 2);
    await t.call("generation.abort", { generationId: sent.generationId });
    const reply = doneMessage(await t.finish(sent.generationId));
    expect(reply.status).toBe("stopped");
    expect(reply.stopReason).toBe("aborted");
    expect(reply.text.startsWith("w0 w1")).toBe(true);
    await waitFor(() => server.disconnects === 1);
  });

  it("refuses to switch backends while a reply is generated", async () => {
    const chatId = await setup("llama-server");
    server.plan = { pieces: Array.from({ length: 100 }, () => "x"), delayMs: 10, ending: "eos" };
    const sent = await t.call("chats.send", { chatId, text: "Talk" });
    expect(await t.fail("backends.use", { name: "local" })).toMatchObject({ code: "BUSY" });
    await t.call("generation.abort", { generationId: sent.generationId });
    await t.finish(sent.generationId);
    expect(await t.call("backends.use", { name: "local" })).toEqual({ active: "local" });
  });
});

describe("OpenAI-compatible backend", () => {
  it("maps samplers to what it takes, reports the rest as ignored, counts by estimate", async () => {
    const chatId = await setup("openai", { model: "m-7b" });
    const reply = doneMessage((await sendAndFinish(chatId, "Hi", { seed: 7, maxTokens: 20 })).end);
    expect(reply.text).toBe("Hello there.");
    const body = server.completions()[0] as Record<string, unknown>;
    const report = await t.call("chats.prompt", { chatId });
    expect(body.prompt).toBe(report.blocks.map((b) => b.text).join(""));
    expect(body).toMatchObject({
      max_tokens: 20,
      seed: 7,
      stream: true,
      temperature: 0.8,
      top_p: 1,
      top_k: 0,
      min_p: 0.05,
      repetition_penalty: 1.08,
      frequency_penalty: 0,
      presence_penalty: 0,
    });
    for (const key of ["dry_multiplier", "xtc_probability", "repeat_last_n", "n_predict", "cache_prompt"]) {
      expect(body).not.toHaveProperty(key);
    }
    const ignored = [
      "repeatLastN",
      "dryMultiplier",
      "dryBase",
      "dryAllowedLength",
      "xtcProbability",
      "xtcThreshold",
    ];
    expect(report.backend).toMatchObject({ kind: "openai", model: "m-7b", tokenCounts: "estimate" });
    expect(report.backend?.ignoredSamplers.sort()).toEqual([...ignored].sort());
    expect(reply.provenance?.ignoredSamplers?.sort()).toEqual([...ignored].sort());
    expect(reply.provenance?.backend).toBe("box");
  });

  it("asks for the configured model, and names a model the server does not serve", async () => {
    server = await startFakeBackend({ dialect: "openai", model: "served" });
    t = await openFakeCore();
    await t.call("backends.add", { name: "o", kind: "openai", url: server.url, model: "missing" });
    const tested = await t.call("backends.test", { name: "o" });
    expect(tested.ok).toBe(false);
    expect(tested.error?.code).toBe("BACKEND_ERROR");
    expect(tested.error?.message).toContain('does not serve model "missing"');
    await t.call("backends.add", { name: "o", kind: "openai", url: server.url, model: "served" });
    expect(await t.call("backends.test", { name: "o" })).toEqual({
      ok: true,
      name: "o",
      model: "served",
      contextSize: 2048,
    });
    await t.call("backends.use", { name: "o" });
    await sendAndFinish(await t.newChat(), "Hi");
    expect(server.completions()[0]?.model).toBe("served");
  });

  it("asks TabbyAPI for its loaded model, not the first one in its folder", async () => {
    server = await startFakeBackend({
      dialect: "openai",
      model: "qwen-14b",
      contextSize: 16384,
      tabby: { loaded: "qwen-14b", folder: ["aaa-7b", "qwen-14b"] },
    });
    t = await openFakeCore();
    await t.call("backends.add", { name: "tabby", kind: "openai", url: server.url });
    expect(await t.call("backends.test", { name: "tabby" })).toEqual({
      ok: true,
      name: "tabby",
      model: "qwen-14b",
      contextSize: 16384,
    });
  });

  it("tells KoboldCpp to stop when the user stops", async () => {
    const chatId = await setup("openai", { koboldcpp: true, contextSize: 8192 });
    expect((await t.call("backends.test", { name: "box" })).contextSize).toBe(8192);
    server.plan = { pieces: Array.from({ length: 200 }, () => "z"), delayMs: 10, ending: "eos" };
    const sent = await t.call("chats.send", { chatId, text: "Go" });
    await waitFor(() => t.eventsOf("generation.delta", sent.generationId).length >= 1);
    await t.call("generation.abort", { generationId: sent.generationId });
    expect(doneMessage(await t.finish(sent.generationId)).stopReason).toBe("aborted");
    await waitFor(() => server.aborts === 1);
    expect((await t.call("model.status", {})).contextSize).toBe(8192);
  });
});

describe("failures are clear and lose nothing", () => {
  async function failingSend(chatId: number) {
    const { sent, end } = await sendAndFinish(chatId, "Are you there?");
    if (end.event !== "generation.error") throw new Error(`expected an error, got ${end.event}`);
    const view = await t.call("chats.get", { chatId });
    const user = view.messages.find((m) => m.id === sent.userMessageId);
    expect(user?.text).toBe("Are you there?");
    return end.payload;
  }

  it("a server error names the backend and carries the server's message", async () => {
    const chatId = await setup("llama-server");
    server.plan = { ...server.plan, fail: { status: 500, message: "slot unavailable: out of memory" } };
    const { error, message } = await failingSend(chatId);
    expect(error.code).toBe("BACKEND_ERROR");
    expect(error.message).toContain('Backend "box"');
    expect(error.message).toContain("HTTP 500");
    expect(error.message).toContain("slot unavailable: out of memory");
    expect(message).toBeNull();
  });

  it("a stream cut in the middle keeps the text received and marks the reply", async () => {
    const chatId = await setup("openai");
    server.plan = { pieces: ["One", " two", " three", " four"], delayMs: 30, ending: "eos", cutAfter: 2 };
    const { error, message } = await failingSend(chatId);
    expect(error.code).toBe("BACKEND_ERROR");
    expect(error.message).toContain("cut");
    expect(message).toMatchObject({ text: "One two", status: "stopped", stopReason: "error" });
  });

  it("a malformed stream is an error naming it, with the text before it kept", async () => {
    const chatId = await setup("llama-server");
    server.plan = { pieces: ["Fine", " so far", "x"], delayMs: 30, ending: "eos", malformedAfter: 2 };
    const { error, message } = await failingSend(chatId);
    expect(error.message).toContain("malformed stream");
    expect(message?.text).toBe("Fine so far");
  });

  it("a stalled stream ends after the idle timeout, keeping the text", async () => {
    const chatId = await setup("llama-server");
    server.plan = {
      pieces: ["Wait", "ing", "..."],
      delayMs: 30,
      ending: "eos",
      stallAfter: 2,
      stallMs: 3000,
    };
    const { error, message } = await failingSend(chatId);
    expect(error.message).toContain("no data for 300 ms");
    expect(message?.text).toBe("Waiting");
  });

  it("an unreachable server is BACKEND_UNAVAILABLE, before anything is stored", async () => {
    const chatId = await setup("llama-server");
    await server.close();
    const failed = await t.fail("chats.send", { chatId, text: "hello?" });
    expect(failed.code).toBe("BACKEND_UNAVAILABLE");
    expect(failed.message).toContain(`Backend "box" (${server.url}) cannot be reached`);
    expect((await t.call("chats.get", { chatId })).messages).toHaveLength(1);
    expect((await t.call("model.status", {})).state).toBe("error");
  });

  it("a server that goes away after connecting: refused before storing, or failed keeping the user's message", async () => {
    // llama-server: the exact token counts of the new message are asked for before anything is stored.
    let chatId = await setup("llama-server");
    await sendAndFinish(chatId, "first");
    await server.close();
    const refused = await t.fail("chats.send", { chatId, text: "second" });
    expect(refused.code).toBe("BACKEND_UNAVAILABLE");
    expect((await t.call("chats.get", { chatId })).messages.map((m) => m.text)).not.toContain("second");
    await t.close();
    // OpenAI kind (estimated counts): the user's message is stored, the generation fails.
    chatId = await setup("openai");
    await sendAndFinish(chatId, "first");
    await server.close();
    const { error } = await failingSend(chatId);
    expect(error.code).toBe("BACKEND_UNAVAILABLE");
  });

  it("a server that accepts but never answers times out as BACKEND_UNAVAILABLE", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      t = await openFakeCore({ internal: { remoteTimeouts: { connectTimeoutMs: 300 } } });
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      await t.call("backends.add", { name: "mute", kind: "llama-server", url });
      const tested = await t.call("backends.test", { name: "mute" });
      expect(tested.error).toEqual({
        code: "BACKEND_UNAVAILABLE",
        message: `Backend "mute" (${url}) cannot be reached: no answer to GET /props within 300 ms`,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("a refused key is BACKEND_ERROR that never shows the key", async () => {
    server = await startFakeBackend({ dialect: "llama-server", apiKey: "right-key" });
    t = await openFakeCore();
    process.env.MASQUE_TEST_KEY = "wrong-key-123";
    try {
      await t.call("backends.add", {
        name: "k",
        kind: "llama-server",
        url: server.url,
        apiKeyEnv: "MASQUE_TEST_KEY",
      });
      const tested = await t.call("backends.test", { name: "k" });
      expect(tested.error?.code).toBe("BACKEND_ERROR");
      expect(tested.error?.message).toContain("HTTP 401");
      expect(tested.error?.message).toContain("API key");
      expect(JSON.stringify(tested)).not.toContain("wrong-key-123");
      expect(server.requests[0]?.authorization).toBe("Bearer wrong-key-123");
      process.env.MASQUE_TEST_KEY = "right-key";
      expect((await t.call("backends.test", { name: "k" })).ok).toBe(true);
      const listed = JSON.stringify(await t.call("backends.list", {}));
      expect(listed).not.toContain("right-key");
      expect(listed).toContain('"apiKey":"env"');
      delete process.env.MASQUE_TEST_KEY;
      expect((await t.call("backends.test", { name: "k" })).error?.message).toContain(
        "MASQUE_TEST_KEY that should hold its API key is not set",
      );
    } finally {
      delete process.env.MASQUE_TEST_KEY;
    }
  });
});

describe("stored keys (the desktop app's key store)", () => {
  it("keeps the key out of settings, lists and errors, and sends it to the server", async () => {
    server = await startFakeBackend({ dialect: "openai", apiKey: "sk-stored-987" });
    const kept = new Map<string, string>();
    const secrets = {
      available: () => true,
      get: (name: string) => kept.get(name) ?? null,
      set: (name: string, key: string) => void kept.set(name, key),
      delete: (name: string) => void kept.delete(name),
    };
    t = await openFakeCore({ internal: { secrets } });
    const added = await t.call("backends.add", {
      name: "k",
      kind: "openai",
      url: server.url,
      apiKey: "sk-stored-987",
    });
    expect(added.apiKey).toBe("stored");
    expect(kept.get("k")).toBe("sk-stored-987");
    const settingsFile = readFileSync(join(t.dir, "settings.json"), "utf8");
    expect(settingsFile).toMatch(/"apiKeyStored": ?true/);
    for (const shown of [
      settingsFile,
      JSON.stringify(await t.call("backends.list", {})),
      JSON.stringify(await t.call("settings.get", {})),
    ]) {
      expect(shown).not.toContain("sk-stored-987");
    }
    expect((await t.call("backends.test", { name: "k" })).ok).toBe(true);
    expect(server.requests.at(-1)?.authorization).toBe("Bearer sk-stored-987");
    await t.call("backends.use", { name: "k" });
    const reply = doneMessage((await sendAndFinish(await t.newChat(), "Hi")).end);
    expect(JSON.stringify(reply)).not.toContain("sk-stored-987");
    await t.call("backends.use", { name: "local" });
    await t.call("backends.remove", { name: "k" });
    expect(kept.has("k")).toBe(false);
  });
});

describe("backend settings", () => {
  it("allows http only to loopback, or to a LAN host when allowed; keys only in the desktop app", async () => {
    t = await openFakeCore();
    const add = (url: string, allowPlainHttp?: boolean) =>
      t.fail("backends.add", {
        name: "x",
        kind: "openai",
        url,
        ...(allowPlainHttp ? { allowPlainHttp } : {}),
      });
    expect((await add("http://example.com:8080")).message).toContain("only allowed to loopback");
    expect((await add("http://192.168.1.20:5001")).code).toBe("INVALID_INPUT");
    expect((await add("http://8.8.8.8", true)).message).toContain("not 8.8.8.8");
    expect((await add("ftp://127.0.0.1")).message).toContain("ftp:");
    expect((await add("https://user:pw@host.example")).message).toContain("not in the URL");
    await t.call("backends.add", {
      name: "lan",
      kind: "openai",
      url: "http://192.168.1.20:5001",
      allowPlainHttp: true,
    });
    await t.call("backends.add", { name: "tls", kind: "openai", url: "https://api.example.org" });
    await t.call("backends.add", { name: "loop", kind: "llama-server", url: "http://localhost:8080" });
    expect((await t.call("backends.list", {})).map((b) => b.name)).toEqual(["local", "lan", "tls", "loop"]);
    expect(await t.fail("backends.add", { name: "local", kind: "openai", url: "https://a.b" })).toMatchObject(
      {
        code: "INVALID_INPUT",
      },
    );
    const keyed = await t.fail("backends.add", {
      name: "tls",
      kind: "openai",
      url: "https://a.b",
      apiKey: "sk-1",
    });
    expect(keyed.message).toContain("environment variable");
    expect(await t.fail("backends.use", { name: "nope" })).toMatchObject({ code: "NOT_FOUND" });
    await t.call("backends.use", { name: "loop" });
    expect(await t.call("backends.remove", { name: "loop" })).toEqual({ deleted: true, active: "local" });
    expect(await t.fail("settings.update", { activeBackend: "ghost" })).toMatchObject({
      code: "INVALID_INPUT",
      message: 'activeBackend: no backend named "ghost" (see backends list)',
    });
    expect((await t.call("settings.update", { activeBackend: "tls" })).activeBackend).toBe("tls");
    expect((await t.call("model.status", {})).backend?.name).toBe("tls");
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * KV-cache states on disk with real processes, the real model and the real database: a chat sent
 * to from three processes in a row evaluates only what each turn adds and replies as one
 * long-lived process does; a state is never loaded into another model (a same-shape copy with
 * changed weights), another context size or another template; a corrupt state and a process
 * killed while writing one leave a chat that still works.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatStateInfo } from "../../shared/api/contract";
import type { GenerationStats, Message } from "../../shared/domain/chat";
import { runMasque } from "../helpers/cli";
import { openTestCore } from "../helpers/core";
import { HAS_TEST_MODEL, PROJECT_ROOT, TEST_MODEL_PATH } from "../helpers/model";
import { writeNoisyCopy } from "../helpers/noisyModel";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-kv-");
const dataDir = join(temp.dir, "data");
const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
  temp.cleanup();
});

const TURNS = ["Tell me a story about a cat.", "What happened next?", "And then what did the cat do?"];
const SEEDS = [11, 12, 13];
const MAX_TOKENS = 40;

interface Reply {
  text: string;
  stats: GenerationStats & { restoredTokens: number };
}

async function send(chatId: number, text: string, seed: number, model = TEST_MODEL_PATH): Promise<Reply> {
  const result = await masque(
    "chats",
    "send",
    String(chatId),
    text,
    "--model",
    model,
    "--threads",
    "1",
    "--seed",
    String(seed),
    "--max-tokens",
    String(MAX_TOKENS),
    "--json",
  );
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { reply: Reply }).reply;
}

async function state(chatId: number): Promise<ChatStateInfo> {
  const result = await masque("chats", "state", String(chatId), "--json");
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ChatStateInfo;
}

async function newChat(): Promise<number> {
  const result = await masque("chats", "new", "1", "--json");
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { chat: { id: number } }).chat.id;
}

describe.skipIf(!HAS_TEST_MODEL)("KV-cache states saved per chat", () => {
  beforeAll(async () => {
    const created = await masque(
      "characters",
      "create",
      "--name",
      "Lily",
      "--description",
      "Lily is a little girl who loves cats.",
      "--greeting",
      "Hi! I am Lily.",
    );
    expect(created.code, created.stderr).toBe(0);
  });

  it("resumes a chat in a new process at the cost of its new tokens, replying as one long-lived process does", async () => {
    const chatId = await newChat();
    const replies: Reply[] = [];
    for (const [i, text] of TURNS.entries()) replies.push(await send(chatId, text, SEEDS[i] as number));

    expect(replies[0]?.stats.restoredTokens).toBe(0);
    for (let i = 1; i < replies.length; i++) {
      const { stats } = replies[i] as Reply;
      const before = (replies[i - 1] as Reply).stats;
      // What the turn adds: the prompt beyond the previous prompt and the reply the state holds.
      const added = stats.promptTokens - before.promptTokens - before.generatedTokens;
      expect(stats.restoredTokens).toBeGreaterThan(before.promptTokens - 1);
      expect(stats.restoredTokens + stats.evaluatedTokens).toBe(stats.promptTokens);
      expect(stats.evaluatedTokens).toBeGreaterThanOrEqual(1);
      expect(stats.evaluatedTokens).toBeLessThanOrEqual(added + 3);
    }
    const saved = await state(chatId);
    expect(saved).toMatchObject({
      chatId,
      saved: true,
      model: { fileName: "stories260K.gguf", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      lora: [],
      contextSize: 2048,
      template: "pygmalion",
    });
    const last = replies.at(-1) as Reply;
    expect(saved.tokens).toBeGreaterThanOrEqual(last.stats.promptTokens);
    expect(saved.bytes).toBeGreaterThan(0);

    // The same chat in one long-lived process (same settings, seeds and prompts).
    const live = await openTestCore(join(temp.dir, "live"));
    try {
      await live.call("model.load", { path: TEST_MODEL_PATH, threads: 1, remember: false });
      const character = await live.call("characters.create", {
        name: "Lily",
        description: "Lily is a little girl who loves cats.",
        greeting: "Hi! I am Lily.",
      });
      const liveChat = (await live.call("chats.create", { characterId: character.id })).chat.id;
      const generations = (live.core as unknown as { generations: { settled(id: string): Promise<void> } })
        .generations;
      const liveReplies: Message[] = [];
      for (const [i, text] of TURNS.entries()) {
        const started = await live.call("chats.send", {
          chatId: liveChat,
          text,
          options: { seed: SEEDS[i] as number, maxTokens: MAX_TOKENS },
        });
        await generations.settled(started.generationId);
        const done = live.eventsOf("generation.done", started.generationId)[0];
        expect(done, JSON.stringify(live.eventsOf("generation.error"))).toBeDefined();
        liveReplies.push(done?.message as Message);
      }
      expect(replies.map((r) => r.text)).toEqual(liveReplies.map((m) => m.text));
      expect(replies.map((r) => r.stats.promptTokens)).toEqual(liveReplies.map((m) => m.stats?.promptTokens));
    } finally {
      await live.close();
    }
  });

  it("never loads a state into a same-shape model with other weights", async () => {
    const chatId = await newChat();
    await send(chatId, TURNS[0] as string, 1);
    const noisy = await writeNoisyCopy(TEST_MODEL_PATH, temp.dir, { scale: 0.05, seed: 3 });
    const other = await send(chatId, TURNS[1] as string, 2, noisy);
    expect(other.stats.restoredTokens).toBe(0);
    expect(other.stats.evaluatedTokens).toBe(other.stats.promptTokens);
    expect((await state(chatId)).model?.fileName).toBe("noisy.gguf");
    // Back on the base model: the noisy model's state is not loaded either…
    const back = await send(chatId, TURNS[2] as string, 3);
    expect(back.stats.restoredTokens).toBe(0);
    // …and the next turn resumes from the base model's own state.
    const again = await send(chatId, "Good night, Lily.", 4);
    expect(again.stats.restoredTokens).toBeGreaterThan(back.stats.promptTokens - 1);
  });

  it("never loads a state across context sizes or templates", async () => {
    const chatId = await newChat();
    await send(chatId, TURNS[0] as string, 1);
    expect((await masque("settings", "set", "contextSize", "1024")).code).toBe(0);
    const smaller = await send(chatId, TURNS[1] as string, 2);
    expect(smaller.stats.restoredTokens).toBe(0);
    expect(smaller.stats.evaluatedTokens).toBe(smaller.stats.promptTokens);
    expect((await state(chatId)).contextSize).toBe(1024);

    expect((await masque("settings", "set", "templateId", "chatml")).code).toBe(0);
    const otherTemplate = await send(chatId, TURNS[2] as string, 3);
    expect(otherTemplate.stats.restoredTokens).toBe(0);
    expect((await state(chatId)).template).toBe("chatml");
    const resumed = await send(chatId, "Good night, Lily.", 4);
    expect(resumed.stats.restoredTokens).toBeGreaterThan(otherTemplate.stats.promptTokens - 1);

    expect((await masque("settings", "set", "templateId", "auto")).code).toBe(0);
    expect((await masque("settings", "set", "contextSize", "4096")).code).toBe(0);
  });

  it("discards a truncated state with a warning and evaluates in full", async () => {
    const chatId = await newChat();
    await send(chatId, TURNS[0] as string, 1);
    const path = join(dataDir, "kv", `${chatId}.state`);
    truncateSync(path, 1000);
    const result = await masque(
      "chats",
      "send",
      String(chatId),
      TURNS[1] as string,
      "--model",
      TEST_MODEL_PATH,
      "--threads",
      "1",
      "--max-tokens",
      "8",
      "--json",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(`saved KV state of chat ${chatId} was discarded: the state file has 1000 bytes`),
    );
    const reply = (JSON.parse(result.stdout) as { reply: Reply }).reply;
    expect(reply.stats.restoredTokens).toBe(0);
    expect(reply.stats.evaluatedTokens).toBe(reply.stats.promptTokens);
    expect((await state(chatId)).saved).toBe(true);
  });

  it("forgets a state on request", async () => {
    const chatId = await newChat();
    await send(chatId, TURNS[0] as string, 1);
    const dropped = await masque("chats", "state", String(chatId), "--drop", "--json");
    expect(JSON.parse(dropped.stdout)).toMatchObject({ saved: false, dropped: true });
    expect(existsSync(join(dataDir, "kv", `${chatId}.state`))).toBe(false);
    const next = await send(chatId, TURNS[1] as string, 2);
    expect(next.stats.restoredTokens).toBe(0);
  });

  it("keeps the old state when a process is killed while writing the new one", async () => {
    const chatId = await newChat();
    const first = await send(chatId, TURNS[0] as string, 1);
    const child = spawn(
      process.execPath,
      [
        join(PROJECT_ROOT, "bin", "masque.js"),
        "--data-dir",
        dataDir,
        "chats",
        "send",
        String(chatId),
        TURNS[1] as string,
        "--model",
        TEST_MODEL_PATH,
        "--threads",
        "1",
        "--max-tokens",
        "20",
      ],
      // The pause sits between writing the new state and making it current.
      { cwd: PROJECT_ROOT, stdio: "ignore", env: { ...process.env, MASQUE_TEST_KV_PAUSE_MS: "60000" } },
    );
    running.push(child);
    const kvDir = join(dataDir, "kv");
    const writing = () => readdirSync(kvDir).some((n) => n.startsWith(`${chatId}.`) && n.endsWith(".tmp"));
    const deadline = Date.now() + 60_000;
    while (!writing() && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(writing()).toBe(true);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    const after = await send(chatId, TURNS[2] as string, 3);
    // The old state (the first turn) was still current and still loads.
    expect(after.stats.restoredTokens).toBeGreaterThan(first.stats.promptTokens - 1);
    expect(readdirSync(kvDir).filter((n) => n.startsWith(`${chatId}.`) && n.endsWith(".tmp"))).toEqual([]);
    const view = JSON.parse((await masque("chats", "show", String(chatId), "--json")).stdout) as {
      messages: Message[];
    };
    expect(view.messages.map((m) => m.role)).toEqual([
      "character",
      "user",
      "character",
      "user",
      "character",
      "user",
      "character",
    ]);
  });

  it("deletes a chat's state with its character", async () => {
    const created = await masque("characters", "create", "--name", "Tom", "--json");
    const characterId = (JSON.parse(created.stdout) as { id: number }).id;
    const chatId = (
      JSON.parse((await masque("chats", "new", String(characterId), "--json")).stdout) as {
        chat: { id: number };
      }
    ).chat.id;
    await send(chatId, "Hello Tom.", 1);
    expect(existsSync(join(dataDir, "kv", `${chatId}.state`))).toBe(true);
    const core = await openTestCore(dataDir);
    try {
      await core.call("characters.delete", { id: characterId });
    } finally {
      await core.core.dispose();
    }
    expect(existsSync(join(dataDir, "kv", `${chatId}.state`))).toBe(false);
    expect(existsSync(join(dataDir, "kv", `${chatId}.json`))).toBe(false);
  });
});

/**
 * LoRA adapters with the real model: a random rank-4 adapter written at test time changes the
 * replies and the perplexity, scale 0 gives the base model's figures, the library refuses files
 * that are not adapters for this model, chats and the global setting choose sets, provenance and
 * the prompt report name each adapter, and a saved KV state is never loaded under another set.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLlamaScoring } from "../../electron/services/eval/llamaScoring";
import { type PlainTextScore, scorePlainText } from "../../electron/services/eval/plainTextScorer";
import type { Message } from "../../shared/domain/chat";
import { runMasque } from "../helpers/cli";
import { openTestCore, type TestCore } from "../helpers/core";
import { writeGguf } from "../helpers/ggufWriter";
import { writeLoraAdapter } from "../helpers/loraAdapter";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-lora-");
afterAll(() => temp.cleanup());
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

const TEXT =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
  "One day, she saw a big red ball under a tree. She ran to get it and smiled at her mom.";

describe.skipIf(!HAS_TEST_MODEL)("LoRA adapters", () => {
  let adapter: string;
  let otherArchitecture: string;
  let wrongShape: string;

  beforeAll(async () => {
    adapter = await writeLoraAdapter(TEST_MODEL_PATH, temp.dir, { seed: 7, fileName: "lily-lora.gguf" });
    otherArchitecture = await writeLoraAdapter(TEST_MODEL_PATH, temp.dir, {
      architecture: "mistral",
      fileName: "mistral-lora.gguf",
    });
    wrongShape = join(temp.dir, "wrong-shape.gguf");
    writeGguf(
      wrongShape,
      {
        "general.architecture": { type: "string", value: "llama" },
        "general.type": { type: "string", value: "adapter" },
        "adapter.type": { type: "string", value: "lora" },
        "adapter.lora.alpha": { type: "f32", value: 4 },
      },
      [
        // attn_q takes 64 inputs; this lora_a claims 32.
        { name: "blk.0.attn_q.weight.lora_a", shape: [4, 32], data: new Float32Array(4 * 32) },
        { name: "blk.0.attn_q.weight.lora_b", shape: [64, 4], data: new Float32Array(64 * 4) },
      ],
    );
  });

  describe("perplexity (the workbench's scorer)", () => {
    let llama: Llama;
    let model: LlamaModel;
    beforeAll(async () => {
      llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
      model = await llama.loadModel({ modelPath: TEST_MODEL_PATH });
    });
    afterAll(async () => {
      await model?.dispose();
    });

    async function score(lora?: { path: string; scale: number }[]): Promise<PlainTextScore> {
      const scoring = await openLlamaScoring(model, {
        threads: 1,
        contextSize: 256,
        ...(lora ? { lora } : {}),
      });
      try {
        return await scorePlainText(scoring, TEXT);
      } finally {
        await scoring.dispose();
      }
    }

    it("changes with the adapter, and scale 0 gives the base model's figures", async () => {
      const base = await score();
      const zero = await score([{ path: adapter, scale: 0 }]);
      const full = await score([{ path: adapter, scale: 1 }]);
      expect(Math.abs(zero.meanNll - base.meanNll)).toBeLessThanOrEqual(1e-6);
      for (let i = 1; i < base.tokenNll.length; i++) {
        expect(Math.abs((zero.tokenNll[i] as number) - (base.tokenNll[i] as number))).toBeLessThanOrEqual(
          1e-6,
        );
      }
      expect(Math.abs(full.meanNll - base.meanNll)).toBeGreaterThan(1e-3);
      expect(full.perplexity).not.toBeCloseTo(base.perplexity, 3);
    });
  });

  describe("in chats", () => {
    let t: TestCore;
    let chatId: number;
    let replyId: number;
    const generations = () =>
      (t.core as unknown as { generations: { settled(id: string): Promise<void> } }).generations;

    async function finish(started: { generationId: string }): Promise<Message> {
      await generations().settled(started.generationId);
      const error = t.eventsOf("generation.error", started.generationId)[0];
      if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
      return t.eventsOf("generation.done", started.generationId)[0]?.message as Message;
    }
    const swipe = async (lora?: { path: string; scale: number }[]) =>
      finish(
        await t.call("chats.regenerate", {
          chatId,
          messageId: replyId,
          options: { seed: 5, maxTokens: 24, temperature: 0, ...(lora ? { lora } : {}) },
        }),
      );

    beforeAll(async () => {
      t = await openTestCore(join(temp.dir, "core"));
      await t.call("settings.update", { threads: 1, contextSize: 1024, modelPath: TEST_MODEL_PATH });
      const character = await t.call("characters.create", { name: "Lily", greeting: "Hi! I am Lily." });
      chatId = (await t.call("chats.create", { characterId: character.id })).chat.id;
      replyId = (
        await finish(await t.call("chats.send", { chatId, text: "Tell me a story.", options: { seed: 5 } }))
      ).id;
    });
    afterAll(async () => {
      await t?.close();
    });

    it("changes the reply; scale 0 replies as the base model; provenance names the adapter", async () => {
      const base = await swipe();
      const adapted = await swipe([{ path: adapter, scale: 1 }]);
      const zero = await swipe([{ path: adapter, scale: 0 }]);
      expect(adapted.text).not.toBe(base.text);
      expect(zero.text).toBe(base.text);
      expect(base.provenance?.lora).toBeUndefined();
      expect(adapted.provenance?.lora).toEqual([
        { fileName: "lily-lora.gguf", sha256: sha256(adapter), scale: 1 },
      ]);
      expect(zero.provenance?.lora).toEqual([
        { fileName: "lily-lora.gguf", sha256: sha256(adapter), scale: 0 },
      ]);
      const stored = await t.call("chats.get", { chatId });
      expect(stored.messages.at(-1)?.provenance?.lora?.[0]?.scale).toBe(0);
    });

    it("keeps a library of checked adapter files", async () => {
      const list = await t.call("models.adapters", {});
      expect(list).toEqual([
        expect.objectContaining({
          fileName: "lily-lora.gguf",
          path: adapter,
          sha256: sha256(adapter),
          baseArchitecture: "llama",
        }),
      ]);
      const mistral = await t.fail("models.addAdapter", { path: otherArchitecture });
      expect(mistral.code).toBe("MODEL_INVALID");
      expect(mistral.message).toMatch(
        /mistral-lora\.gguf: the adapter is for mistral models; stories260K\.gguf is a llama model/,
      );
      const notAdapter = await t.fail("models.addAdapter", { path: TEST_MODEL_PATH });
      expect(notAdapter.message).toMatch(/not a LoRA adapter \(general\.type is null, expected "adapter"\)/);
      const missing = await t.fail("models.addAdapter", { path: join(temp.dir, "none.gguf") });
      expect(missing.message).toMatch(/none\.gguf: no such file/);
      const text = join(temp.dir, "notes.gguf");
      writeFileSync(text, "hello, not a gguf");
      expect((await t.fail("models.addAdapter", { path: text })).message).toMatch(/not a GGUF file/);
      // Shapes are checked against the model before llama.cpp sees them.
      const shape = await t.fail("chats.regenerate", {
        chatId,
        messageId: replyId,
        options: { lora: [{ path: wrongShape, scale: 1 }] },
      });
      expect(shape.code).toBe("MODEL_INVALID");
      expect(shape.message).toMatch(
        /blk\.0\.attn_q\.weight: lora_a \[32,4\] and lora_b \[4,64\] do not fit stories260K\.gguf's \[64,64\]/,
      );
      expect((await t.call("models.adapters", {})).map((a) => a.fileName)).not.toContain("mistral-lora.gguf");
    });

    it("attaches a set per chat or globally; the chat's set wins", async () => {
      const [known] = await t.call("models.adapters", {});
      const adapterId = known?.id as number;
      const other = (
        await t.call("chats.create", {
          characterId: (await t.call("chats.get", { chatId })).chat.characterId,
        })
      ).chat.id;
      await t.call("settings.update", { loraAdapters: [{ adapterId, scale: 0.5 }] });
      expect((await t.call("chats.prompt", { chatId: other })).lora).toEqual([
        { fileName: "lily-lora.gguf", sha256: sha256(adapter), scale: 0.5 },
      ]);
      await t.call("chats.setOptions", { chatId: other, lora: [] });
      expect((await t.call("chats.prompt", { chatId: other })).lora).toEqual([]);
      await t.call("chats.setOptions", { chatId: other, lora: [{ adapterId, scale: 2 }] });
      expect((await t.call("chats.prompt", { chatId: other })).lora[0]?.scale).toBe(2);
      const reply = await finish(
        await t.call("chats.send", { chatId: other, text: "Hello!", options: { seed: 1 } }),
      );
      expect(reply.provenance?.lora).toEqual([
        { fileName: "lily-lora.gguf", sha256: sha256(adapter), scale: 2 },
      ]);
      await t.call("chats.setOptions", { chatId: other, lora: null });
      expect((await t.call("chats.prompt", { chatId: other })).lora[0]?.scale).toBe(0.5);
      const unknown = await t.fail("chats.setOptions", {
        chatId: other,
        lora: [{ adapterId: 999, scale: 1 }],
      });
      expect(unknown).toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/lora\.0\.adapterId: LoRA adapter 999/),
      });
      await t.call("settings.update", { loraAdapters: [] });
    });
  });

  it("the CLI: --lora FILE[:SCALE], models adapters, and no KV state across adapter sets", async () => {
    const dir = join(temp.dir, "cli");
    const masque = (...args: string[]) => runMasque(["--data-dir", dir, ...args]);
    expect(
      (await masque("characters", "create", "--name", "Lily", "--greeting", "Hi! I am Lily.")).code,
    ).toBe(0);
    expect((await masque("chats", "new", "1")).code).toBe(0);
    const send = async (text: string, ...lora: string[]) => {
      const result = await masque(
        "chats",
        "send",
        "1",
        text,
        "--model",
        TEST_MODEL_PATH,
        "--threads",
        "1",
        "--max-tokens",
        "12",
        "--seed",
        "3",
        ...lora.flatMap((l) => ["--lora", l]),
        "--json",
      );
      expect(result.code, result.stderr).toBe(0);
      return (
        JSON.parse(result.stdout) as { reply: { stats: { restoredTokens: number; evaluatedTokens: number } } }
      ).reply.stats;
    };
    await send("Hello!", `${adapter}:1`);
    const otherScale = await send("Tell me more.", `${adapter}:0.5`);
    expect(otherScale.restoredTokens).toBe(0);
    const sameSet = await send("And then?", `${adapter}:0.5`);
    expect(sameSet.restoredTokens).toBeGreaterThan(0);
    const noAdapter = await send("The end.");
    expect(noAdapter.restoredTokens).toBe(0);
    const state = JSON.parse((await masque("chats", "state", "1", "--json")).stdout);
    expect(state.lora).toEqual([]);

    const listed = await masque("models", "adapters", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    const adapters = JSON.parse(listed.stdout);
    expect(adapters).toEqual([
      {
        id: 1,
        fileName: "lily-lora.gguf",
        path: adapter,
        sha256: sha256(adapter),
        baseArchitecture: "llama",
      },
    ]);
    const bad = await masque("chats", "send", "1", "x", "--lora");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^INVALID_INPUT: --lora needs FILE\[:SCALE\]/);
  });
});

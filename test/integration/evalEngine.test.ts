/**
 * Engine.openScoring on the real engine: it scores with the loaded model, counts as active work
 * (loading another model is BUSY until it is disposed), and a model unloaded under a running pass
 * makes the pass reject with ABORTED. And on the core: a running evaluation holds the model
 * (model.load, chats and a second evaluation are BUSY) until it is cancelled.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { CoreInternals } from "../../electron/services/core";
import { scorePlainText } from "../../electron/services/eval/plainTextScorer";
import { toApiError } from "../../shared/errors";
import { FakeEngine } from "../fakes/fakeEngine";
import { openTestCore, type TestCore } from "../helpers/core";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

const TEXT =
  "Once upon a time, there was a little girl named Lily. She liked to play with her ball in the park. ";

let t: TestCore | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe.skipIf(!HAS_TEST_MODEL)("Engine.openScoring with the real model", () => {
  it("scores, blocks model loads while open, and aborts when the model goes away", async () => {
    t = await openTestCore();
    await t.call("model.load", { path: TEST_MODEL_PATH, threads: 1, contextSize: 512, remember: false });
    const engine = (t.core as CoreInternals).engine;
    const scoring = await engine.openScoring({ contextSize: 256 });
    expect(scoring.contextSize).toBe(256);
    const score = await scorePlainText(scoring, TEXT);
    expect(score.windows).toBe(1);
    expect(score.perplexity).toBeGreaterThan(1);
    expect(score.perplexity).toBeLessThan(50);
    const busy = await t.fail("model.load", { path: TEST_MODEL_PATH, threads: 1, remember: false });
    expect(busy.code).toBe("BUSY");
    await scoring.dispose();
    await scoring.dispose();
    await t.call("model.load", { path: TEST_MODEL_PATH, threads: 1, contextSize: 512, remember: false });

    const second = await engine.openScoring({ contextSize: 512 });
    const long = TEXT.repeat(40);
    const running = scorePlainText(second, long).then(
      () => null,
      (error: unknown) => toApiError(error),
    );
    await engine.dispose();
    const error = await running;
    expect(error?.code).toBe("ABORTED");
  }, 120_000);
});

describe("a running evaluation holds the model", () => {
  it("makes model.load, chat replies and a second evaluation BUSY until it is cancelled", async () => {
    t = await openTestCore(undefined, { engine: new FakeEngine({ scoreDelayMs: 60_000 }) });
    await t.call("settings.update", { threads: 1, modelPath: TEST_MODEL_PATH });
    const character = await t.call("characters.create", { name: "Mira", greeting: "Hello." });
    const chat = await t.call("chats.create", { characterId: character.id });
    await t.call("chats.send", { chatId: chat.chat.id, text: "Hi there, how are you?" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { runId } = await t.call("eval.perplexity", { model: TEST_MODEL_PATH, chatIds: [chat.chat.id] });
    await expect.poll(() => t?.eventsOf("eval.progress").some((p) => p.phase === "scoring")).toBe(true);
    expect((await t.fail("model.load", { path: TEST_MODEL_PATH })).code).toBe("BUSY");
    expect((await t.fail("chats.send", { chatId: chat.chat.id, text: "Still there?" })).code).toBe("BUSY");
    expect((await t.fail("eval.perplexity", { model: TEST_MODEL_PATH, chatIds: [chat.chat.id] })).code).toBe(
      "BUSY",
    );
    expect(await t.call("eval.cancel", { runId })).toEqual({ cancelled: true });
    await (t.core as CoreInternals).evals.settled(runId);
    expect(t.eventsOf("eval.done").filter((e) => e.runId === runId)).toEqual([
      { runId, kind: "perplexity", status: "cancelled" },
    ]);
    const run = await t.call("eval.run", { runId });
    expect(run.status).toBe("cancelled");
    expect(run.perplexity).toBeNull();
    // The model is free again.
    await t.call("chats.send", { chatId: chat.chat.id, text: "Still there?" });
    await expect.poll(() => t?.eventsOf("generation.done").length).toBe(2);
    // Reply statistics of the chat: its two generated replies (no PIPPA sessions for this character).
    const stats = await t.call("eval.stats", { chatIds: [chat.chat.id] });
    expect(stats.sets).toHaveLength(1);
    expect(stats.sets[0]?.replies).toBe(2);
    expect(stats.reference).toBeNull();
  });
});

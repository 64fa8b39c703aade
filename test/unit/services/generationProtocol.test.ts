/**
 * The generation protocol's invariants on the fake engine: seq counts every event from 0 without a
 * gap, each delta's offset is the length of the text before it, no event comes before the call
 * returns, and a chat's pendingGeneration is exactly the state after the last emitted event.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { EventTypes } from "../../../shared/api/contract";
import type { Message, PendingGeneration } from "../../../shared/domain/chat";
import { type FakeCore, type GenerationEvent, openFakeCore } from "../../fakes/fakeCore";

let t: FakeCore;
afterEach(async () => {
  await t?.close();
});

/** Checks the sequence of one generation's events and returns the text the deltas rebuild. */
function checkSequence(events: GenerationEvent[]): string {
  expect(events[0]?.event).toBe("generation.started");
  let text = "";
  events.forEach((e, index) => {
    expect(e.payload.seq).toBe(index);
    if (e.event === "generation.delta") {
      expect(e.payload.offset).toBe(text.length);
      expect(e.payload.text.length).toBeGreaterThan(0);
      text += e.payload.text;
    }
  });
  const terminal = events.filter((e) =>
    ["generation.done", "generation.error", "generation.draft"].includes(e.event),
  );
  expect(terminal).toHaveLength(1);
  expect(events.at(-1)).toBe(terminal[0]);
  return text;
}

const piece = fc.oneof(
  fc.string({ minLength: 1, maxLength: 6 }),
  fc.constantFrom("é", "😀", "👩‍👩‍👧", "\n", " ", "日本"),
);

describe("generation protocol", () => {
  it("numbers events from 0 without gaps and gives each delta its exact offset", async () => {
    // Deltas every 2 ms: with pieces 0-3 ms apart, batches of one piece and of several both occur.
    t = await openFakeCore({ settings: { maxTokens: 500 }, internal: { deltaIntervalMs: 2 } });
    const chatId = await t.newChat();
    let script: string[] = [];
    t.engine.options.replies = () => script;
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 30 }),
        fc.integer({ min: 0, max: 3 }),
        async (pieces, delay) => {
          script = pieces;
          t.engine.options.pieceDelayMs = delay;
          const started = await t.call("chats.regenerate", { chatId });
          const end = await t.finish(started.generationId);
          const text = checkSequence(t.eventsOfGeneration(started.generationId));
          expect(text).toBe(pieces.join(""));
          expect((end.payload as { message: Message }).message.text).toBe(text.trimEnd());
        },
      ),
      { numRuns: 25 },
    );
  });

  it("emits nothing of a generation before its call returns, for every kind", async () => {
    t = await openFakeCore({ engine: { replies: [["A", "b", "c"]] } });
    const chatId = await t.newChat();
    const calls = [
      () => t.call("chats.send", { chatId, text: "Hello" }),
      () => t.call("chats.regenerate", { chatId }),
      () => t.call("chats.continue", { chatId }),
      () => t.call("chats.impersonate", { chatId }),
    ];
    for (const call of calls) {
      const before = t.events.length;
      const started = await call();
      expect(t.events.slice(before).filter((e) => e.event.startsWith("generation."))).toEqual([]);
      await t.finish(started.generationId);
      checkSequence(t.eventsOfGeneration(started.generationId));
    }
  });

  it("also on a cold model: the call waits for the model, visibly, and returns before any event", async () => {
    t = await openFakeCore({ engine: { loadDelayMs: 30 } });
    const chatId = await t.newChat();
    const sent = t.call("chats.send", { chatId, text: "Hello" });
    const statuses = () => t.eventsOf("model.status").map((s) => [s.state, s.phase]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(statuses()).toEqual([["loading", "loading"]]);
    const result = await sent;
    expect(statuses()).toEqual([
      ["loading", "loading"],
      ["loaded", undefined],
    ]);
    expect(t.eventsOfGeneration(result.generationId)).toEqual([]);
    await t.finish(result.generationId);
  });

  it("keeps pendingGeneration equal to the state after the last emitted event", async () => {
    t = await openFakeCore({ engine: { replies: [["Once", " upon", " a", " time", " there", " was"]] } });
    const chatId = await t.newChat();
    const snapshots: { seq: number; text: string; pending: PendingGeneration | null }[] = [];
    let rebuilt = "";
    const stop = t.core.subscribe((event, payload) => {
      if (!event.startsWith("generation.")) return;
      const p = payload as EventTypes["generation.delta"];
      if (event === "generation.delta") rebuilt += p.text;
      snapshots.push({
        seq: p.seq,
        text: rebuilt,
        pending: t.internals.chats.view(chatId).pendingGeneration,
      });
    });
    const sent = await t.call("chats.send", { chatId, text: "Tell me" });
    // Between the call's return and the first event: the state after seq 0 (no text yet).
    expect((await t.call("chats.get", { chatId })).pendingGeneration).toMatchObject({
      generationId: sent.generationId,
      kind: "reply",
      parentId: sent.userMessageId,
      messageId: null,
      seq: 0,
      text: "",
    });
    await t.finish(sent.generationId);
    stop();
    const streaming = snapshots.slice(0, -1);
    expect(streaming.length).toBeGreaterThan(1);
    for (const s of streaming) {
      expect(s.pending).toEqual({
        generationId: sent.generationId,
        kind: "reply",
        parentId: sent.userMessageId,
        messageId: null,
        seq: s.seq,
        text: s.text,
      });
    }
    // At the terminal event the result is stored and the chat is free.
    expect(snapshots.at(-1)?.pending).toBeNull();
  });

  it("never counts text still in the batcher as pending", async () => {
    t = await openFakeCore({ engine: { replies: [["a", "b", "c", "d", "e", "f"]] } });
    const chatId = await t.newChat();
    const sent = await t.call("chats.send", { chatId, text: "Go" });
    await t.engine.piecesEmitted(3);
    // Three pieces reached the batcher; it flushes on a timer, so some may not be emitted yet.
    const pending = t.internals.chats.view(chatId).pendingGeneration;
    const emitted = t.eventsOf("generation.delta", sent.generationId);
    expect(pending?.text).toBe(emitted.map((d) => d.text).join(""));
    expect(pending?.seq).toBe(emitted.length);
    await t.finish(sent.generationId);
  });

  it("gives a failed generation's error event the next seq and the kept message", async () => {
    t = await openFakeCore({ engine: { replies: [{ pieces: ["Some", " text", "!"], failAt: 2 }] } });
    const chatId = await t.newChat();
    const sent = await t.call("chats.send", { chatId, text: "Go" });
    await t.finish(sent.generationId);
    const events = t.eventsOfGeneration(sent.generationId);
    expect(checkSequence(events)).toBe("Some text");
    expect(events.at(-1)).toMatchObject({
      event: "generation.error",
      payload: { message: { text: "Some text", stopReason: "error" } },
    });
  });
});

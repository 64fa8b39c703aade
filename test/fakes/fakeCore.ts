/**
 * A real core (real database in a temp dir, real services) on the fake engine, with a character
 * ready and helpers to follow generations through their events.
 */
import type { CoreInternalOptions, CoreInternals } from "../../electron/services/core";
import type { CoreOptions } from "../../electron/services/coreTypes";
import type { EventName, EventTypes } from "../../shared/api/contract";
import type { Message } from "../../shared/domain/chat";
import type { Settings } from "../../shared/domain/settings";
import { openTestCore } from "../helpers/core";
import { FakeEngine, type FakeEngineOptions } from "./fakeEngine";

export const FAKE_MODEL = "/models/fake.gguf";

export type GenerationEvent = {
  [E in EventName]: E extends `generation.${string}` ? { event: E; payload: EventTypes[E] } : never;
}[EventName];

export interface FakeCoreOptions {
  engine?: FakeEngineOptions;
  dataDir?: string;
  settings?: Partial<Settings>;
  internal?: Omit<CoreInternalOptions, "engine"> & Pick<CoreOptions, "secrets">;
}

export type FakeCore = Awaited<ReturnType<typeof openFakeCore>>;

export async function openFakeCore(options: FakeCoreOptions = {}) {
  const engine = new FakeEngine(options.engine);
  const t = await openTestCore(options.dataDir, { ...options.internal, engine });
  const internals = t.core as CoreInternals;
  await t.call("settings.update", {
    modelPath: FAKE_MODEL,
    threads: 1,
    contextSize: 2048,
    maxTokens: 64,
    userName: "Sam",
    ...options.settings,
  });
  const character = await t.call("characters.create", {
    name: "Lily",
    description: "Lily loves the park.",
    greeting: "Hi! I am Lily.",
  });

  async function newChat(): Promise<number> {
    return (await t.call("chats.create", { characterId: character.id })).chat.id;
  }

  /** Every event of one generation, in order. */
  function eventsOfGeneration(generationId: string): GenerationEvent[] {
    return t.events.filter(
      (e) =>
        e.event.startsWith("generation.") &&
        (e.payload as { generationId?: string }).generationId === generationId,
    ) as GenerationEvent[];
  }

  /** Waits for the generation to end; returns its terminal event. */
  async function finish(generationId: string) {
    await internals.generations.settled(generationId);
    const last = eventsOfGeneration(generationId).at(-1);
    if (!last || !["generation.done", "generation.error", "generation.draft"].includes(last.event)) {
      throw new Error(`generation ${generationId} has no terminal event`);
    }
    return last;
  }

  /** Sends and waits for the stored reply. */
  async function reply(chatId: number, text: string): Promise<Message> {
    const sent = await t.call("chats.send", { chatId, text });
    const end = await finish(sent.generationId);
    if (end.event !== "generation.done") throw new Error(`expected done, got ${JSON.stringify(end)}`);
    return end.payload.message;
  }

  return {
    ...t,
    engine,
    internals,
    characterId: character.id,
    newChat,
    eventsOfGeneration,
    finish,
    reply,
  };
}

/**
 * Every API method with random and mutated inputs, dispatched to a real core (temp data dir, real
 * database, no model loaded). Inputs include what Electron's structured clone can carry besides
 * JSON (NaN, Infinity, undefined, BigInt, Date, Map, typed arrays). Each call answers in bounded
 * time with a value or a named error code (never INTERNAL), and a call that fails leaves the
 * library and the settings exactly as they were.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METHODS, type Method, REQUEST_SCHEMAS } from "../../shared/api/contract";
import { ERROR_CODES, type Result } from "../../shared/errors";
import { b64json, pngCard, textChunk } from "../fixtures/cards/builders";
import { V2_CARD } from "../fixtures/cards/cards";
import { seedChat } from "../fixtures/export/seed";
import { librarySnapshot, runImport } from "../fixtures/importRun";
import { openTestCore, type TestCore } from "../helpers/core";
import { makeTempDir } from "../helpers/tempDir";
import { awkwardJson, deepNest, HANG_MS, mutatedJson } from "../unit/fuzz/arbitraries";
import { fuzzOptions, fuzzTimeout } from "../unit/fuzz/runs";

let t: TestCore;
const files = makeTempDir("masque-fuzz-api-");
const ids = { character: 0, pippaCharacter: 0, chat: 0, message: 0, session: 0, persona: 0, lorebook: 0 };
const paths = { pippa: "", card: "", junk: "", dir: "" };
let base: Record<Method, unknown>;

beforeAll(async () => {
  t = await openTestCore();
  paths.pippa = join(files.dir, "seed.jsonl");
  writeFileSync(
    paths.pippa,
    `${JSON.stringify({
      submission_timestamp: 1_674_795_100_921,
      categories: null,
      bot_id: "S".repeat(43),
      bot_name: "Seed Bot",
      bot_greeting: "Hi.",
      bot_definitions: null,
      bot_description: null,
      conversation: [
        { message: "Hi.", is_human: false },
        { message: "Hello, I am Zoë.", is_human: true },
      ],
    })}\n`,
  );
  paths.card = join(files.dir, "seed.png");
  writeFileSync(paths.card, pngCard([textChunk("chara", b64json(V2_CARD))]));
  paths.junk = join(files.dir, "junk.gguf");
  // The GGUF magic and then junk: node-llama-cpp's header reader would loop on it without end, so
  // every path to a model (load, library, adapters, eval) must refuse it from the header check.
  writeFileSync(paths.junk, "GGUF but not really");
  paths.dir = join(files.dir, "a-directory");
  mkdirSync(paths.dir);
  const imported = await runImport(t, paths.pippa);
  ids.pippaCharacter = imported.report?.characterIds[0] ?? 0;
  ids.session = (await t.call("sessions.list", { characterId: ids.pippaCharacter }))[0]?.id ?? 0;
  ids.character = (await t.call("characters.create", { name: "Mira", greeting: "Welcome, {{user}}." })).id;
  ids.chat = await seedChat(t, ids.character, [
    { role: "user", text: "I am Zoë Marlowe." },
    { role: "character", text: "Hello, Marlowe.", alternatives: ["Hi."] },
  ]);
  ids.message = (await t.call("chats.get", { chatId: ids.chat })).messages.at(-1)?.id ?? 0;
  ids.persona = (await t.call("personas.create", { name: "Zoë" })).id;
  ids.lorebook = (await t.call("lorebooks.create", { name: "World" })).id;
  base = baseInputs();
});
afterAll(async () => {
  await t.close();
  files.cleanup();
});

/** One plausible input per method; a new method in the contract must be added here to compile. */
function baseInputs(): Record<Method, unknown> {
  const { character, chat, message, session, persona, lorebook } = ids;
  // Anything that could reach a network goes to a closed loopback port, so it fails fast and locally.
  const closedPort = "http://127.0.0.1:9";
  return {
    "app.info": {},
    "characters.list": { search: "Mira", tag: "x", sort: "name" },
    "characters.tags": {},
    "characters.get": { id: character },
    "characters.create": {
      name: "Fuzz",
      description: "d",
      personality: "p",
      scenario: "s",
      greeting: "g",
      exampleDialogue: "<START>\n{{user}}: hi",
      tags: ["t"],
    },
    "characters.update": {
      id: character,
      data: {
        name: "Mira",
        description: "x",
        tags: ["a"],
        extensions: { app: { a: 1 } },
        character_book: null,
      },
    },
    "characters.delete": { id: 999_999 },
    "characters.export": { id: character, format: "png" },
    "characters.avatar": { id: character },
    "import.start": { source: { path: paths.card }, fileName: "x.png", format: "auto" },
    "import.cancel": { importId: "00000000-0000-0000-0000-000000000000" },
    "sessions.list": { characterId: ids.pippaCharacter },
    "sessions.get": { sessionId: session },
    "chats.list": { characterId: character },
    "chats.create": { characterId: character },
    "chats.get": { chatId: chat, limit: 10 },
    "chats.messages": { chatId: chat, beforeId: message, limit: 5 },
    "chats.send": { chatId: chat, text: "hi", options: { maxTokens: 4, seed: 1, temperature: 0.5 } },
    "chats.regenerate": { chatId: chat, messageId: message },
    "chats.continue": { chatId: chat },
    "chats.impersonate": { chatId: chat },
    "chats.swipes": { messageId: message },
    "chats.selectSwipe": { messageId: message },
    "chats.editMessage": { messageId: message, text: "edited" },
    "chats.deleteMessage": { messageId: 999_999, withDescendants: true },
    "chats.branch": { messageId: message },
    "chats.prompt": { chatId: chat },
    "chats.setOptions": { chatId: chat, templateId: "chatml", examplesMode: "keep" },
    "templates.list": {},
    "presets.save": { name: "p", values: { temperature: 0.7 } },
    "presets.apply": { name: "p" },
    "presets.delete": { name: "p" },
    "model.calibrate": {},
    "generation.abort": { generationId: "00000000-0000-0000-0000-000000000000" },
    "settings.get": {},
    "settings.update": { userName: "Zoë Marlowe", temperature: 0.8, theme: "dark" },
    "model.status": {},
    "model.load": { path: paths.junk, threads: 1, contextSize: 512, remember: false },
    "export.preview": { selection: { all: true }, aliases: ["Zoë"] },
    "export.pippa": { selection: { chatIds: [chat] }, acceptFlagged: "all" },
    "export.metharme": { selection: { characterIds: [character] }, acceptFlagged: [], mode: "turn" },
    "export.sillytavern": { chatId: chat },
    "files.validatePippa": { path: paths.pippa, strict: true },
    "chats.addMember": { chatId: chat, characterId: ids.pippaCharacter },
    "chats.setMember": { chatId: chat, characterId: character, muted: false, talkativeness: 0.5 },
    "chats.state": { chatId: chat, drop: false },
    "models.adapters": {},
    "models.addAdapter": { path: paths.junk },
    "models.removeAdapter": { id: 999_999 },
    "personas.list": {},
    "personas.get": { id: persona },
    "personas.create": { name: "Fuzz", description: "d", position: "depth", depth: 2, makeDefault: false },
    "personas.update": { id: persona, name: "Zoë", description: "x", position: "prefix", avatar: null },
    "personas.delete": { id: 999_999 },
    "personas.setDefault": { id: persona },
    "personas.avatar": { id: persona },
    "personas.forChat": { chatId: chat },
    "personas.setForChat": { chatId: chat, personaId: persona },
    "lorebooks.list": {},
    "lorebooks.get": { id: lorebook },
    "lorebooks.create": { name: "Fuzz", description: "d" },
    "lorebooks.update": {
      id: lorebook,
      name: "World",
      scanDepth: 2,
      tokenBudget: 100,
      recursiveScanning: null,
    },
    "lorebooks.delete": { id: 999_999 },
    "lorebooks.import": { source: { path: paths.card }, fileName: "x.png" },
    "lorebooks.export": { id: lorebook, format: "worldinfo" },
    "lorebooks.saveEntry": {
      lorebookId: lorebook,
      entry: { name: "e", keys: ["Mira"], content: "c", position: { at: "depth", depth: 1, role: "system" } },
    },
    "lorebooks.deleteEntry": { lorebookId: lorebook, uid: 999_999 },
    "lorebooks.attach": { id: lorebook, scope: "chat", targetId: chat },
    "lorebooks.detach": { id: lorebook, scope: "global" },
    "lorebooks.forChat": { chatId: chat },
    "notes.get": { chatId: chat },
    "notes.set": { chatId: chat, note: { text: "n", depth: 2, every: 1 } },
    "backends.list": {},
    "backends.add": { name: "closed", kind: "llama-server", url: closedPort, allowPlainHttp: true },
    "backends.test": { name: "closed" },
    "backends.use": { name: "local" },
    "backends.remove": { name: "closed" },
    "eval.perplexity": { model: paths.junk, chatIds: [chat], contextSize: 64 },
    "eval.runs": { kind: "perplexity" },
    "eval.run": { runId: 999_999 },
    "eval.cancel": { runId: 999_999 },
    "eval.compare": { runIds: [999_998, 999_999] },
    "eval.export": { runId: 999_999, format: "csv" },
    "eval.abNew": { contestants: [{ model: paths.junk }, { model: paths.junk }], chatIds: [chat], items: 1 },
    "eval.abNext": { runId: 999_999 },
    "eval.abVote": { runId: 999_999, item: 1, vote: "tie" },
    "eval.abReport": { runId: 999_999 },
    "eval.stats": { chatIds: [chat] },
    "models.list": { rescan: false },
    "models.add": { path: paths.junk },
    "models.folders": {},
    "models.removeFolder": { path: paths.dir },
    "models.pull": { uri: `${closedPort}/model.gguf` },
    "models.cancel": { downloadId: "00000000-0000-0000-0000-000000000000" },
    "models.downloads": {},
    "models.dismissDownload": { uri: `${closedPort}/model.gguf`, deletePartial: true },
    "models.fit": { path: paths.junk, contextSize: 512 },
    "models.use": { path: paths.junk },
    "models.remove": { id: 999_999 },
    "models.catalog": {},
    "models.settings": { id: 999_999 },
    "models.updateSettings": { id: 999_999, settings: { contextSize: 512, templateId: null } },
    "models.tokenStatus": {},
    "models.setToken": { token: null },
  };
}

/** Leaves for mutations: awkward JSON, known ids and paths, and what only structured clone carries. */
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: awkwardJson },
  { weight: 2, arbitrary: fc.constantFrom(1, 2, 3, 999_999).map((n) => n) },
  { weight: 2, arbitrary: fc.nat().map((i) => pick(Object.values(ids), i)) },
  { weight: 2, arbitrary: fc.nat().map((i) => pick([...Object.values(paths), "/", "/nonexistent/x"], i)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      10n,
      new Date(0),
      new Map(),
      new Uint8Array(2),
    ),
  },
  { weight: 1, arbitrary: fc.constant(null).map(() => deepNest(20_000)) },
  { weight: 1, arbitrary: fc.constant(null).map(cyclic) },
);

/** An object that contains itself (structured clone carries cycles). */
function cyclic(): unknown {
  const value: Record<string, unknown> = { name: "loop" };
  value.self = value;
  return value;
}

/** Ids and paths exist only once the seed data is made: read them when a value is generated. */
function pick<T>(values: T[], i: number): T {
  return values[i % values.length] as T;
}

async function dispatchChecked(method: string, input: unknown): Promise<void> {
  const before = { library: librarySnapshot(t), settings: await settings() };
  const result = (await t.core.dispatch(method, input)) as Result<unknown>;
  if (result.ok) {
    await settle(method, result.value, before);
    return;
  }
  expect(ERROR_CODES, JSON.stringify(result.error)).toContain(result.error.code);
  expect(result.error.code, `${method}: ${result.error.message}`).not.toBe("INTERNAL");
  expect(typeof result.error.message).toBe("string");
  expect(result.error.message.length).toBeGreaterThan(0);
  expect({ library: librarySnapshot(t), settings: await settings() }, `${method} failed but wrote`).toEqual(
    before,
  );
}

/** Waits for work a successful call started (an import), and checks how it ended. */
async function settle(method: string, value: unknown, before: { library: unknown }): Promise<void> {
  if (method !== "import.start") return;
  const { importId } = value as { importId: string };
  await t.core.imports.settled(importId);
  const failed = t.eventsOf("import.error").find((e) => e.importId === importId);
  if (failed) {
    expect(failed.error.details?.unexpected, failed.error.message).toBeUndefined();
    expect(librarySnapshot(t)).toEqual(before.library);
  }
}

async function settings(): Promise<unknown> {
  const result = await t.core.dispatch("settings.get", {});
  return result.ok ? result.value : result.error;
}

/** Methods the core has a handler for (a contract method without one fails the core's own test). */
function handled(): Method[] {
  return METHODS.filter((m) => typeof (t.core.handlers as Record<string, unknown>)[m] === "function");
}

describe("fuzzed API calls", { timeout: fuzzTimeout(120_000) }, () => {
  it("the sample input of every method is valid, so mutations start from a call that gets past validation", async () => {
    for (const method of METHODS) {
      const parsed = REQUEST_SCHEMAS[method].safeParse(base[method]);
      expect(parsed.error?.issues ?? [], method).toEqual([]);
      await dispatchChecked(method, base[method]);
    }
  });

  it("every method answers mutated inputs with a value or a named error, and failures write nothing", async () => {
    const missing = METHODS.filter((m) => !handled().includes(m));
    if (missing.length > 0)
      console.log(`methods without a handler in this core, not fuzzed: ${missing.join(", ")}`);
    const call = fc
      .constantFrom(...handled())
      .chain((method) =>
        fc.tuple(
          fc.constant(method),
          fc.oneof({ weight: 3, arbitrary: mutatedJson(base[method], leaf) }, leaf),
        ),
      );
    await fc.assert(
      fc.asyncProperty(call, ([method, input]) => dispatchChecked(method, input)),
      { ...fuzzOptions(600), plugins: [fc.timeout(HANG_MS)] },
    );
  });

  it("unknown methods and inputs that are not objects are refused by name", async () => {
    const method = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom("__proto__", "constructor", "toString"),
    );
    await fc.assert(
      fc.asyncProperty(method, leaf, (m, input) => dispatchChecked(m, input)),
      { ...fuzzOptions(100), plugins: [fc.timeout(HANG_MS)] },
    );
  });
});

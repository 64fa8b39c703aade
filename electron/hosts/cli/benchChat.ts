/**
 * `bench chat`: a scripted, deterministic conversation with a built-in character, played twice in
 * one process on the same model: once as Masque plays it (KV cache kept per chat, shifted when old
 * turns are evicted) and once as a baseline that evaluates the whole prompt every turn (the chat's
 * context is dropped before each turn). Runs in a temporary data directory.
 *
 * With `--lorebook FILE` the book is attached to the chat, so lore fires on the turns whose lines
 * hold its keys (`--note TEXT --note-depth N` adds an author's note); new tokens then include the
 * lore that fired for the first time. `--lore-baseline` puts every entry before the character
 * definitions (SillyTavern's default), the layout Masque's placement is measured against.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { PromptReport } from "../../../shared/api/contract";
import { unwrapEnvelope } from "../../../shared/api/envelope";
import type { Message } from "../../../shared/domain/chat";
import type { LorebookImport, LorebookRecord } from "../../../shared/domain/lore";
import { fromApiError } from "../../../shared/errors";
import { type CoreInternals, createCore } from "../../services/core";
import { createConfSettings } from "../../storage/confSettings";
import { intOption, parseCommand } from "./args";
import { usageError } from "./cliError";
import type { CliContext } from "./context";

const SCRIPT = [
  "Hello Lily! What are you doing today?",
  "Can we go to the park together?",
  "What do you see there?",
  "Do you want to play on the swing?",
  "Tell me about your best friend.",
  "What is your favourite toy?",
  "Shall we have a picnic?",
  "What should we eat?",
  "It is starting to rain. What now?",
  "Let us go home and read a story.",
];

export interface TurnStats {
  turn: number;
  promptTokens: number;
  evaluatedTokens: number;
  newTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
  dropped: number;
  /** Lore entries in this turn's prompt that fired on a key (not constant ones). */
  keyedLore: number;
  /** Tokens of lore entries that were not in the previous turn's prompt. */
  newLoreTokens: number;
}

export interface BenchOptions {
  model: string;
  turns: number;
  context: number;
  maxTokens: number;
  threads: number;
  lorebook?: string | undefined;
  loreBaseline: boolean;
  note?: string | undefined;
  noteDepth: number;
  noteEvery: number;
}

export async function benchChatCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      model: { type: "string" },
      turns: { type: "string" },
      context: { type: "string" },
      "max-tokens": { type: "string" },
      threads: { type: "string" },
      lorebook: { type: "string" },
      "lore-baseline": { type: "boolean" },
      note: { type: "string" },
      "note-depth": { type: "string" },
      "note-every": { type: "string" },
      json: { type: "boolean" },
    },
    { min: 0, max: 0 },
  );
  if (typeof values.model !== "string") throw usageError("bench chat needs --model PATH");
  if (values["lore-baseline"] && typeof values.lorebook !== "string") {
    throw usageError("--lore-baseline needs --lorebook FILE");
  }
  const noteDepth = intOption(values["note-depth"], "--note-depth") ?? 4;
  if (noteDepth < 0) throw usageError("--note-depth must be 0 or more");
  const noteEvery = intOption(values["note-every"], "--note-every") ?? 1;
  if (noteEvery < 1) throw usageError("--note-every must be 1 or more");
  const options: BenchOptions = {
    model: values.model,
    turns: intOption(values.turns, "--turns") ?? 200,
    context: intOption(values.context, "--context") ?? 1024,
    maxTokens: intOption(values["max-tokens"], "--max-tokens") ?? 32,
    threads: intOption(values.threads, "--threads") ?? 1,
    lorebook: typeof values.lorebook === "string" ? values.lorebook : undefined,
    loreBaseline: values["lore-baseline"] === true,
    note: typeof values.note === "string" ? values.note : undefined,
    noteDepth,
    noteEvery,
  };
  const dir = mkdtempSync(join(tmpdir(), "masque-bench-chat-"));
  const core = await createCore({
    dataDir: dir,
    host: "cli",
    settings: createConfSettings(dir),
    version: "bench",
    log: (l) => ctx.err(`${l}\n`),
  });
  try {
    const cached = await play(core, options, false, (line) => ctx.err(line));
    const baseline = await play(core, options, true, (line) => ctx.err(line));
    const summary = summarize(cached, baseline);
    if (values.json) ctx.out(`${JSON.stringify({ options, turns: cached, baseline, summary })}\n`);
    else printReport(ctx, cached, summary);
    return 0;
  } finally {
    await core.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function call<T>(core: CoreInternals, method: string, input: unknown): Promise<T> {
  return unwrapEnvelope(await core.dispatch(method, input), method) as T;
}

async function play(
  core: CoreInternals,
  options: BenchOptions,
  baseline: boolean,
  progress: (line: string) => void,
): Promise<TurnStats[]> {
  await call(core, "settings.update", {
    userName: "Sam",
    contextSize: options.context,
    maxTokens: options.maxTokens,
    threads: options.threads,
    temperature: 0.7,
    templateId: "pygmalion",
    // The baseline layout: every entry where its book puts it (here: before the character).
    lorePlacement: options.loreBaseline ? "as-written" : "cache",
  });
  await call(core, "model.load", {
    path: options.model,
    threads: options.threads,
    contextSize: options.context,
    remember: false,
  });
  const character = await call<{ id: number }>(core, "characters.create", {
    name: "Lily",
    description: "Lily is a cheerful little girl who loves the park, her red ball and her dog Max.",
    greeting: "Hi! I am Lily. Do you want to play with me?",
    exampleDialogue: "<START>\n{{user}}: Hi Lily!\n{{char}}: Hi! Look at my red ball!",
  });
  const chat = await call<{ chat: { id: number } }>(core, "chats.create", { characterId: character.id });
  const chatId = chat.chat.id;
  await setUpLore(core, chatId, options);
  const rows: TurnStats[] = [];
  let previousLore = new Set<string>();
  for (let turn = 1; turn <= options.turns; turn++) {
    if (baseline) await core.engine.releaseSession(String(chatId));
    const text = `${SCRIPT[(turn - 1) % SCRIPT.length]} (${turn})`;
    const message = await sendAndWait(core, chatId, text, turn);
    const stats = message.stats;
    if (!stats) throw new Error(`turn ${turn}: the reply has no stats`);
    const lore = options.lorebook ? await call<PromptReport>(core, "chats.prompt", { chatId }) : null;
    const fired = lore?.lore.fired ?? [];
    const newLoreTokens = fired.filter((f) => !previousLore.has(f.id)).reduce((sum, f) => sum + f.tokens, 0);
    previousLore = new Set(fired.map((f) => f.id));
    rows.push({
      turn,
      promptTokens: stats.promptTokens,
      evaluatedTokens: stats.evaluatedTokens,
      // The content added this turn: the user's line, the reply header and the newline closing the last reply.
      newTokens:
        core.engine.countTokens(`You: ${text}\n`) + core.engine.countTokens("Lily:") + 1 + newLoreTokens,
      ttftMs: stats.ttftMs,
      tokensPerSecond: stats.tokensPerSecond,
      dropped: message.provenance?.droppedMessages ?? 0,
      keyedLore: fired.filter((f) => f.why !== "constant").length,
      newLoreTokens,
    });
    if (turn % 50 === 0) progress(`${baseline ? "baseline" : "masque"}: turn ${turn}/${options.turns}\n`);
  }
  return rows;
}

/** Attaches the bench's lorebook to the chat (for the baseline: every entry before the character) and the note. */
async function setUpLore(core: CoreInternals, chatId: number, options: BenchOptions): Promise<void> {
  if (options.lorebook) {
    const imported = await call<LorebookImport>(core, "lorebooks.import", {
      source: { path: resolve(options.lorebook) },
    });
    if (options.loreBaseline) {
      const book = await call<LorebookRecord>(core, "lorebooks.get", { id: imported.id });
      for (const entry of book.entries) {
        await call(core, "lorebooks.saveEntry", {
          lorebookId: imported.id,
          entry: { uid: entry.uid, position: { at: "before-character" } },
        });
      }
    }
    await call(core, "lorebooks.attach", { id: imported.id, scope: "chat", targetId: chatId });
  }
  if (options.note) {
    await call(core, "notes.set", {
      chatId,
      note: { text: options.note, depth: options.noteDepth, every: options.noteEvery },
    });
  }
}

async function sendAndWait(
  core: CoreInternals,
  chatId: number,
  text: string,
  seed: number,
): Promise<Message> {
  let done: Message | null = null;
  let failure: unknown = null;
  const generationId = randomUUID();
  const stop = core.subscribe((event, payload) => {
    const p = payload as { generationId?: string; message?: Message; error?: unknown };
    if (p.generationId !== generationId) return;
    if (event === "generation.done") done = p.message ?? null;
    if (event === "generation.error") failure = p.error;
  });
  try {
    await call(core, "chats.send", { chatId, text, options: { seed }, generationId });
    await core.generations.settled(generationId);
  } finally {
    stop();
  }
  if (failure) throw fromApiError(failure as never);
  if (!done) throw new Error("the reply did not arrive");
  return done;
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function window(rows: TurnStats[], from: number, to: number) {
  return rows.filter((r) => r.turn >= from && r.turn <= to);
}

export function summarize(cached: TurnStats[], baseline: TurnStats[]) {
  const sum = (rows: TurnStats[], key: keyof TurnStats) => rows.reduce((s, r) => s + r[key], 0);
  const n = cached.length;
  const early: [number, number] = [Math.min(10, n), Math.min(30, n)];
  const late: [number, number] = [Math.max(1, Math.round(n * 0.75)), n];
  const ttft = (rows: TurnStats[], [a, b]: [number, number]) => mean(window(rows, a, b).map((r) => r.ttftMs));
  return {
    turns: n,
    evaluationsWithEviction: cached.filter((r, i) => i > 0 && r.dropped > (cached[i - 1]?.dropped ?? 0))
      .length,
    totalNewTokens: sum(cached, "newTokens"),
    turnsWithKeyedLore: cached.filter((r) => r.keyedLore > 0).length,
    newLoreTokens: sum(cached, "newLoreTokens"),
    totalEvaluatedTokens: sum(cached, "evaluatedTokens"),
    evaluatedOverNew: sum(cached, "evaluatedTokens") / sum(cached, "newTokens"),
    meanTtftEarlyMs: ttft(cached, early),
    meanTtftLateMs: ttft(cached, late),
    lateOverEarlyTtft: ttft(cached, late) / ttft(cached, early),
    windows: { early, late },
    baseline: {
      totalEvaluatedTokens: sum(baseline, "evaluatedTokens"),
      meanTtftEarlyMs: ttft(baseline, early),
      meanTtftLateMs: ttft(baseline, late),
      meanEvaluatedEarly: mean(window(baseline, ...early).map((r) => r.evaluatedTokens)),
      meanEvaluatedLate: mean(window(baseline, ...late).map((r) => r.evaluatedTokens)),
    },
    evaluatedRatioMasqueOverBaseline: sum(cached, "evaluatedTokens") / sum(baseline, "evaluatedTokens"),
    meanTtftRatioMasqueOverBaseline: mean(cached.map((r) => r.ttftMs)) / mean(baseline.map((r) => r.ttftMs)),
  };
}

function printReport(ctx: CliContext, rows: TurnStats[], summary: ReturnType<typeof summarize>) {
  ctx.out("turn  prompt  evaluated  new  ttft(ms)  tok/s  dropped\n");
  for (const r of rows) {
    ctx.out(
      `${String(r.turn).padStart(4)}  ${String(r.promptTokens).padStart(6)}  ${String(r.evaluatedTokens).padStart(9)}  ` +
        `${String(r.newTokens).padStart(3)}  ${r.ttftMs.toFixed(1).padStart(8)}  ${String(Math.round(r.tokensPerSecond)).padStart(5)}  ${r.dropped}\n`,
    );
  }
  ctx.out(`\n${JSON.stringify(summary, null, 2)}\n`);
}

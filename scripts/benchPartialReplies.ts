/**
 * What saving partial replies while they stream costs: generation speed of the same long replies
 * with the text saved once a second (Masque's setting), at every delta batch (~30 ms, the worst
 * case), and only once (the baseline), measured alternately in one run; the share of each reply's
 * time spent saving (robust on a busy machine, unlike speed); and the cost of one save.
 *
 * Run: node --import tsx scripts/benchPartialReplies.ts [--model PATH] [--tokens N] [--runs N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type CoreInternals, createCore } from "../electron/services/core";
import { createConfSettings } from "../electron/storage/confSettings";
import { openDatabase } from "../electron/storage/database";
import { PartialReplyRepository } from "../electron/storage/partialReplyRepository";
import { unwrapEnvelope } from "../shared/api/envelope";
import type { Message } from "../shared/domain/chat";

const { values } = parseArgs({
  options: { model: { type: "string" }, tokens: { type: "string" }, runs: { type: "string" } },
});
const modelPath = resolve(
  values.model ?? join(import.meta.dirname, "..", "..", "shared", "models", "stories260K.gguf"),
);
const tokens = Number(values.tokens ?? 1500);
const runs = Number(values.runs ?? 7);

const SETTINGS = [
  { name: "saved once (baseline)", intervalMs: 1e9 },
  { name: "saved every second", intervalMs: 1000 },
  { name: "saved every batch", intervalMs: 0 },
];

interface Bench {
  name: string;
  core: CoreInternals;
  dir: string;
  chatId: number;
  tokensPerSecond: number[];
  /** Per reply: time spent saving partial text over the reply's generation time. */
  saveShare: number[];
  saves: number[];
}

/** Time spent in partial-reply saves, whichever core makes them (benchmark-only instrumentation). */
const saving = { ms: 0, count: 0 };
const updateText = PartialReplyRepository.prototype.updateText;
PartialReplyRepository.prototype.updateText = function (this: PartialReplyRepository, ...args) {
  const started = performance.now();
  try {
    return updateText.apply(this, args);
  } finally {
    saving.ms += performance.now() - started;
    saving.count++;
  }
};

async function call<T>(core: CoreInternals, method: string, input: unknown): Promise<T> {
  return unwrapEnvelope(await core.dispatch(method, input), method) as T;
}

async function open(name: string, intervalMs: number): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), "masque-bench-partial-"));
  const core = await createCore({
    dataDir: dir,
    host: "cli",
    settings: createConfSettings(dir),
    version: "bench",
    partialSaveIntervalMs: intervalMs,
  });
  await call(core, "settings.update", {
    threads: 1,
    contextSize: 2048,
    maxTokens: tokens,
    templateId: "alpaca",
  });
  await call(core, "model.load", { path: modelPath, threads: 1, remember: false });
  const character = await call<{ id: number }>(core, "characters.create", {
    name: "Teller",
    description: "Teller tells long stories.",
    greeting: "Once upon a time",
  });
  const chat = await call<{ chat: { id: number } }>(core, "chats.create", { characterId: character.id });
  return { name, core, dir, chatId: chat.chat.id, tokensPerSecond: [], saveShare: [], saves: [] };
}

async function generate(bench: Bench, seed: number): Promise<Message> {
  let message: Message | null = null;
  const stop = bench.core.subscribe((event, payload) => {
    if (event === "generation.done") message = (payload as { message: Message }).message;
  });
  try {
    const started = await call<{ generationId: string }>(bench.core, "chats.regenerate", {
      chatId: bench.chatId,
      options: { seed },
    });
    await bench.core.generations.settled(started.generationId);
  } finally {
    stop();
  }
  if (!message) throw new Error("no reply");
  return message;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function saveCost(): { microsecondsPerSave: number; textChars: number } {
  const dir = mkdtempSync(join(tmpdir(), "masque-bench-partial-"));
  const database = openDatabase(dir);
  try {
    database.db.exec(
      "INSERT INTO characters (name, spec, spec_version, data_json, created_at, updated_at) VALUES ('A', 'v2', '2.0', '{}', 0, 0)",
    );
    database.db.exec("INSERT INTO chats (character_id, title, created_at, updated_at) VALUES (1, 'c', 0, 0)");
    const partials = new PartialReplyRepository(database);
    partials.insert({
      generationId: "g",
      chatId: 1,
      kind: "reply",
      parentId: null,
      targetId: null,
      provenance: null,
      ownerId: "bench",
    });
    const text = "Once upon a time there was a little girl. ".repeat(100);
    const count = 2000;
    const started = performance.now();
    for (let i = 0; i < count; i++) partials.updateText("g", text.slice(0, 1000 + (i % 3000)));
    return { microsecondsPerSave: ((performance.now() - started) * 1000) / count, textChars: text.length };
  } finally {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const benches: Bench[] = [];
for (const s of SETTINGS) benches.push(await open(s.name, s.intervalMs));
try {
  for (const bench of benches) await generate(bench, 1); // warm-up
  for (let run = 0; run < runs; run++) {
    for (const bench of run % 2 === 0 ? benches : [...benches].reverse()) {
      const before = { ...saving };
      const started = performance.now();
      const message = await generate(bench, 100 + run);
      const elapsed = performance.now() - started;
      bench.tokensPerSecond.push(message.stats?.tokensPerSecond ?? 0);
      bench.saveShare.push((saving.ms - before.ms) / elapsed);
      bench.saves.push(saving.count - before.count);
    }
  }
  const baseline = median(benches[0]?.tokensPerSecond ?? []);
  const report = {
    tokens,
    runs,
    settings: benches.map((b) => ({
      name: b.name,
      medianTokensPerSecond: median(b.tokensPerSecond),
      ratioToBaseline: Math.round((median(b.tokensPerSecond) / baseline) * 1000) / 1000,
      medianSavesPerReply: median(b.saves),
      medianSaveTimeShare: median(b.saveShare),
      tokensPerSecond: b.tokensPerSecond,
    })),
    oneSave: saveCost(),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  for (const bench of benches) {
    await bench.core.dispose();
    rmSync(bench.dir, { recursive: true, force: true });
  }
}

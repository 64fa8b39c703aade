/**
 * `npm run bench:engine`: (1) Masque's generation throughput against a bare
 * `LlamaContextSequence.evaluate` loop on the same model, threads, prompt and sampler, measured
 * alternately in the same run; (2) whether the thread calibration picked a setting within 10% of
 * the fastest one, re-measured more carefully afterwards.
 *
 * Options: --model PATH (default ../shared/models/stories260K.gguf), --tokens N (default 400), --runs N (default 7).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getLlama, type Token } from "node-llama-cpp";
import { createCore } from "../electron/services/core";
import { measure, threadCandidates } from "../electron/services/engine/calibration";
import { createConfSettings } from "../electron/storage/confSettings";
import { unwrapEnvelope } from "../shared/api/envelope";
import type { Message } from "../shared/domain/chat";

const { values } = parseArgs({
  options: { model: { type: "string" }, tokens: { type: "string" }, runs: { type: "string" } },
});
const modelPath = resolve(
  values.model ?? join(import.meta.dirname, "..", "..", "shared", "models", "stories260K.gguf"),
);
const tokens = Number(values.tokens ?? 400);
const runs = Number(values.runs ?? 7);
const sampler = {
  temperature: 0.8,
  minP: 0.05,
  topK: 0,
  topP: 1,
  repeatPenalty: 1,
  frequencyPenalty: 0,
  presencePenalty: 0,
};

const dir = mkdtempSync(join(tmpdir(), "masque-bench-engine-"));
const core = await createCore({
  dataDir: dir,
  host: "cli",
  settings: createConfSettings(dir),
  version: "bench",
});
const call = async <T>(method: string, input: unknown): Promise<T> => {
  return unwrapEnvelope(await core.dispatch(method, input), method) as T;
};
await call("settings.update", {
  ...sampler,
  threads: 1,
  contextSize: 2048,
  maxTokens: tokens,
  templateId: "pygmalion",
});
await call("model.load", { path: modelPath, threads: 1, remember: false });
const character = await call<{ id: number }>("characters.create", {
  name: "Teller",
  description: "Teller tells long stories.",
  greeting: "Once upon a time",
});
const chat = await call<{ chat: { id: number } }>("chats.create", { characterId: character.id });
const chatId = chat.chat.id;

/** One app generation: a swipe of the last reply (the prompt is cached), timed to the stored message. */
async function appRun(seed: number): Promise<{ tokens: number; seconds: number; prompt: number[] }> {
  let done: Message | null = null;
  let id = "";
  const stop = core.subscribe((event, payload) => {
    const p = payload as { generationId?: string; message?: Message };
    if (event === "generation.done" && p.generationId === id) done = p.message ?? null;
  });
  const started = performance.now();
  const result = await call<{ generationId: string }>("chats.regenerate", {
    chatId,
    options: { seed, maxTokens: tokens },
  });
  id = result.generationId;
  await core.generations.settled(id);
  const seconds = (performance.now() - started) / 1000;
  stop();
  const message = done as Message | null;
  if (!message?.stats) throw new Error("no reply");
  return { tokens: message.stats.generatedTokens, seconds, prompt: [] };
}

// The bare loop gets the exact prompt tokens of the app's swipe.
const report = await call<{ blocks: { text: string }[] }>("chats.prompt", { chatId }).catch(() => null);
const firstSwipe = await appRun(1);
const view = await call<{ messages: Message[] }>("chats.get", { chatId });
const history = view.messages
  .slice(0, -1)
  .map((m) => ({ id: m.id, role: m.role, text: m.text, generated: m.stats !== null }));
const { buildPrompt } = await import("../electron/services/promptBuilder");
const prompt = buildPrompt(core.engine, {
  card: (
    await call<{ data: import("../shared/domain/card").CardData }>("characters.get", { id: character.id })
  ).data,
  settings: createConfSettings(dir).getAll(),
  options: {},
  history,
  mode: "reply",
  maxTokens: tokens,
});
const promptTokens = core.engine.tokenizePrompt(prompt.blocks.flatMap((b) => b.pieces)) as Token[];

const llama = await getLlama({ gpu: false, build: "never" });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: 2048, threads: 1, flashAttention: false });
const sequence = context.getSequence();

/** The bare loop: same prompt, cache primed, last prompt token re-evaluated, same sampler and seed. */
async function bareRun(seed: number, count: number): Promise<{ tokens: number; seconds: number }> {
  await sequence.adaptStateToTokens(promptTokens.slice(0, -1), false);
  const started = performance.now();
  let n = 0;
  const { temperature, minP, topK, topP } = sampler;
  for await (const _t of sequence.evaluate(promptTokens.slice(sequence.nextTokenIndex), {
    temperature,
    minP,
    topK,
    topP,
    seed,
  })) {
    n++;
    if (n >= count) break;
  }
  return { tokens: n, seconds: (performance.now() - started) / 1000 };
}
await sequence.evaluateWithoutGeneratingNewTokens(promptTokens.slice(0, -1));

const ratios: number[] = [];
const rows: string[] = [];
for (let i = 0; i < runs; i++) {
  const seed = 100 + i;
  const app = await appRun(seed);
  const bare = await bareRun(seed, app.tokens);
  const appRate = app.tokens / app.seconds;
  const bareRate = bare.tokens / bare.seconds;
  ratios.push(appRate / bareRate);
  rows.push(
    `run ${i + 1}: app ${app.tokens} tokens ${appRate.toFixed(0)} tok/s, bare loop ${bare.tokens} tokens ${bareRate.toFixed(0)} tok/s, ratio ${(appRate / bareRate).toFixed(3)}`,
  );
}
ratios.sort((a, b) => a - b);
const median = ratios[Math.floor(ratios.length / 2)] as number;
console.log(
  `Throughput, ${modelPath}, threads 1, up to ${tokens} tokens per run (first app run: ${firstSwipe.tokens} tokens)`,
);
for (const row of rows) console.log(`  ${row}`);
console.log(`  median ratio app / bare loop: ${median.toFixed(3)} (target >= 0.9)`);
void report;

// Calibration: what it picked, then each candidate re-measured three times (median).
const calibration = await call<{ results: { threads: number; tokensPerSecond: number }[]; best: number }>(
  "model.calibrate",
  {},
);
const bos = model.tokens.bos !== null && model.tokens.shouldPrependBosToken ? [model.tokens.bos] : [];
const probe = [...bos, ...model.tokenize("Once upon a time, in a small village by the sea, there lived")];
const careful: { threads: number; tokensPerSecond: number }[] = [];
for (const threads of threadCandidates(llama.cpuMathCores)) {
  if (threads > llama.maxThreads) llama.maxThreads = threads;
  const samples = [
    await measure(model, threads, probe),
    await measure(model, threads, probe),
    await measure(model, threads, probe),
  ].sort((a, b) => a - b);
  careful.push({ threads, tokensPerSecond: samples[1] as number });
}
const fastest = Math.max(...careful.map((c) => c.tokensPerSecond));
const picked = careful.find((c) => c.threads === calibration.best)?.tokensPerSecond ?? 0;
console.log(`Calibration picked ${calibration.best} thread(s): ${JSON.stringify(calibration.results)}`);
console.log(`  re-measured (median of 3): ${JSON.stringify(careful)}`);
console.log(`  picked / fastest: ${(picked / fastest).toFixed(3)} (target >= 0.9)`);

await context.dispose();
await model.dispose();
await core.dispose();
rmSync(dir, { recursive: true, force: true });

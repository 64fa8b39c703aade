/**
 * `npm run bench:resume` (node --import tsx scripts/benchResume.ts): how much a saved KV state
 * saves when a chat resumes in a new process. A chat of N turns is built; then, several times and
 * alternately, a fresh process sends the next turn on a copy of the data (1) with the chat's saved
 * state and (2) with it dropped (a full evaluation of the same prompt). Prints the time to the
 * first token of each (the process's own figure, state check and load included), their ratio,
 * and the state file's size per 1,000 tokens as the chat grows.
 *
 * Options: --model PATH (default ../shared/models/stories260K.gguf), --turns N (default 15),
 * --runs N (default 5), --max-tokens N per reply (default 40), --json.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createCore } from "../electron/services/core";
import { createConfSettings } from "../electron/storage/confSettings";
import type { ChatStateInfo } from "../shared/api/contract";
import { unwrapEnvelope } from "../shared/api/envelope";
import { quantile } from "../shared/stats/quantile";

const median = (values: number[]) => quantile(values, 0.5);

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    turns: { type: "string" },
    runs: { type: "string" },
    "max-tokens": { type: "string" },
    json: { type: "boolean" },
  },
});
const root = resolve(import.meta.dirname, "..");
const modelPath = resolve(values.model ?? join(root, "..", "shared", "models", "stories260K.gguf"));
const turns = Number(values.turns ?? 15);
const runs = Number(values.runs ?? 5);
const maxTokens = Number(values["max-tokens"] ?? 40);
const lines = [
  "Tell me a story about a cat who lives by the sea.",
  "What did the cat find on the beach?",
  "Who else came along, and what did they say?",
  "Then a storm came. What happened?",
  "How did they get home?",
];

const work = mkdtempSync(join(tmpdir(), "masque-bench-resume-"));
const base = join(work, "base");
const sizes: { tokens: number; bytes: number; bytesPer1000Tokens: number }[] = [];

// 1. The chat, built in this process (its state is saved after every reply).
const core = await createCore({
  dataDir: base,
  host: "cli",
  settings: createConfSettings(base),
  version: "bench",
});
const call = async <T>(method: string, input: unknown): Promise<T> =>
  unwrapEnvelope(await core.dispatch(method, input), method) as T;
let chatId = 0;
try {
  await call("settings.update", { threads: 1, contextSize: 2048, maxTokens, templateId: "pygmalion" });
  await call("model.load", { path: modelPath, threads: 1, remember: false });
  const character = await call<{ id: number }>("characters.create", {
    name: "Teller",
    description: "Teller tells long stories about the sea.",
    greeting: "Once upon a time, there was a little cat.",
  });
  chatId = (await call<{ chat: { id: number } }>("chats.create", { characterId: character.id })).chat.id;
  const settled = (core as unknown as { generations: { settled(id: string): Promise<void> } }).generations;
  for (let turn = 0; turn < turns; turn++) {
    const started = await call<{ generationId: string }>("chats.send", {
      chatId,
      text: lines[turn % lines.length],
      options: { seed: turn + 1 },
    });
    await settled.settled(started.generationId);
    // Releasing the chat's context waits for its state to be saved.
    await core.engine.releaseSession(String(chatId));
    const state = await call<ChatStateInfo>("chats.state", { chatId });
    if (state.saved && (turn % 3 === 2 || turn === turns - 1))
      sizes.push({
        tokens: state.tokens,
        bytes: state.bytes,
        bytesPer1000Tokens: Math.round((state.bytes / state.tokens) * 1000),
      });
  }
} finally {
  await core.dispose();
}

// 2. The next turn in a new process, with the saved state and without it, alternately.
interface Sample {
  ttftMs: number;
  promptTokens: number;
  evaluatedTokens: number;
  restoredTokens: number;
}
function nextTurn(dataDir: string): Promise<Sample> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root, "bin", "masque.js"),
        "--data-dir",
        dataDir,
        "chats",
        "send",
        String(chatId),
        "And what happened after that?",
        "--model",
        modelPath,
        "--threads",
        "1",
        "--seed",
        "99",
        "--max-tokens",
        "8",
        "--json",
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`masque exited ${code}: ${err}`));
      resolvePromise((JSON.parse(out) as { reply: { stats: Sample } }).reply.stats);
    });
  });
}

const restored: Sample[] = [];
const full: Sample[] = [];
for (let run = 0; run < runs; run++) {
  for (const withState of run % 2 === 0 ? [true, false] : [false, true]) {
    const copy = join(work, `run-${run}-${withState ? "state" : "full"}`);
    cpSync(base, copy, { recursive: true });
    if (!withState) rmSync(join(copy, "kv", `${chatId}.state`));
    (withState ? restored : full).push(await nextTurn(copy));
    rmSync(copy, { recursive: true, force: true });
  }
}
rmSync(work, { recursive: true, force: true });

const ttftRestored = median(restored.map((s) => s.ttftMs));
const ttftFull = median(full.map((s) => s.ttftMs));
const result = {
  model: modelPath,
  turns,
  runs,
  promptTokens: restored[0]?.promptTokens,
  restored: {
    ttftMsMedian: ttftRestored,
    ttftMs: restored.map((s) => s.ttftMs),
    evaluatedTokens: restored.map((s) => s.evaluatedTokens),
    restoredTokens: restored.map((s) => s.restoredTokens),
  },
  fullEvaluation: {
    ttftMsMedian: ttftFull,
    ttftMs: full.map((s) => s.ttftMs),
    evaluatedTokens: full.map((s) => s.evaluatedTokens),
  },
  speedup: Math.round((ttftFull / ttftRestored) * 10) / 10,
  stateSizes: sizes,
};
if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(
    `Chat of ${turns} turns; next prompt ${result.promptTokens} tokens; ${runs} runs each, alternating.`,
  );
  console.log(
    `  with the saved state: TTFT median ${ttftRestored} ms (${result.restored.ttftMs.join(", ")}); ` +
      `evaluated ${result.restored.evaluatedTokens.join(", ")}, restored ${result.restored.restoredTokens.join(", ")}`,
  );
  console.log(
    `  full evaluation:      TTFT median ${ttftFull} ms (${result.fullEvaluation.ttftMs.join(", ")}); ` +
      `evaluated ${result.fullEvaluation.evaluatedTokens.join(", ")}`,
  );
  console.log(`  full / restored: ${result.speedup}×`);
  console.log("State file size as the chat grows:");
  for (const s of sizes)
    console.log(
      `  ${s.tokens} tokens: ${(s.bytes / 1024).toFixed(0)} KB (${(s.bytesPer1000Tokens / 1024).toFixed(0)} KB per 1,000 tokens)`,
    );
}

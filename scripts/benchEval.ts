/**
 * `npm run bench:eval` (node --import tsx scripts/benchEval.ts): the cost of scoring with the real model.
 *
 * 1. Scored tokens per second of the plain-text scorer against a bare `controlledEvaluate` loop over
 *    the same tokens and windows in the same process (alternating, several runs, median ratio), and
 *    against a forward pass that reads no distribution (what the read itself costs at vocabulary 512).
 * 2. The cost per scored position of node-llama-cpp's full-distribution read at real vocabulary
 *    sizes: copies of the test model with the vocabulary padded to 32,000 and 128,256 tokens
 *    (scripts/bench/widenVocabulary.ts, in a temp dir), timing decode-only, argmax-only and
 *    full-distribution requests over the same positions.
 * 3. An in-character session scored by the plan (one growing pass) against every reply scored from
 *    an empty cache.
 * 4. The same read done in plain JS on Float32Arrays (log-softmax; the library's Map of the
 *    vocabulary; a typed-array sort standing in for the native sort) at 512 … 256k.
 *
 * Options: --model PATH (default ../shared/models/stories260K.gguf), --tokens N (corpus, default 2000),
 * --runs N (default 7), --window N (default 512), --threads N (default 1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type ControlledEvaluateInputItem,
  getLlama,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { planSessionScoring, type ReplyPieces } from "../electron/services/eval/inCharacterPlan";
import { llamaTextTokens, openLlamaScoring } from "../electron/services/eval/llamaScoring";
import { MAP_ENTRY_BUDGET, positionsPerCall } from "../electron/services/eval/passScorer";
import { scorePlainText } from "../electron/services/eval/plainTextScorer";
import { tokenizePieces } from "../electron/services/eval/promptTokens";
import { scoreSessionPlan } from "../electron/services/eval/sessionScorer";
import { assemblePrompt, type PromptMessage } from "../shared/prompt/assemble";
import { PYGMALION } from "../shared/prompt/template";
import { widenVocabulary } from "./bench/widenVocabulary";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    tokens: { type: "string" },
    runs: { type: "string" },
    window: { type: "string" },
    threads: { type: "string" },
  },
});
const modelPath = resolve(
  values.model ?? join(import.meta.dirname, "..", "..", "shared", "models", "stories260K.gguf"),
);
const corpusTokens = Number(values.tokens ?? 2000);
const runs = Number(values.runs ?? 7);
const windowSize = Number(values.window ?? 512);
const threads = Number(values.threads ?? 1);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const range = (xs: number[], digits = 0) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const temp = mkdtempSync(join(tmpdir(), "masque-bench-eval-"));

/** Stories written by the model itself (seeded), so the text is in its domain and the run repeatable. */
async function generateCorpus(target: number): Promise<string> {
  const { sequence, dispose } = await openLlamaScoring(model, { threads, contextSize: 512 });
  const bos = model.tokens.bos as Token;
  const parts: string[] = [];
  let total = 0;
  for (let seed = 1; total < target; seed++) {
    await sequence.clearHistory();
    const story: Token[] = [];
    for await (const token of sequence.evaluate([bos], { temperature: 0.8, topK: 40, topP: 0.95, seed })) {
      if (model.isEogToken(token) || story.length >= 400) break;
      story.push(token);
    }
    parts.push(model.detokenize(story).trim());
    total += story.length;
  }
  await dispose();
  return parts.join("\n");
}

/** The bare loop: the same windows, one `controlledEvaluate` per window, p(next) read from each Map. */
async function bareLoop(
  sequence: LlamaContextSequence,
  tokens: readonly Token[],
  window: number,
): Promise<number> {
  const stride = Math.floor(window / 2);
  let nll = 0;
  let scoredUpTo = 1;
  for (let start = 1; ; start += stride) {
    const end = Math.min(start + window - 1, tokens.length);
    const local = [tokens[0] as Token, ...tokens.slice(start, end)];
    const firstNew = Math.max(scoredUpTo, start) - start + 1;
    await sequence.clearHistory();
    const out = await sequence.controlledEvaluate(
      local.map(
        (t, i): ControlledEvaluateInputItem =>
          i + 1 >= firstNew && i + 1 < local.length ? [t, { generateNext: { probabilities: true } }] : t,
      ),
    );
    for (let i = firstNew; i < local.length; i++) {
      nll -= Math.log(out[i - 1]?.next.probabilities?.get(local[i] as Token) ?? Number.NaN);
    }
    scoredUpTo = end;
    if (end === tokens.length) return nll;
  }
}

/** The forward pass alone over the same windows: no distribution read, only the last logits. */
async function forwardOnly(
  sequence: LlamaContextSequence,
  tokens: readonly Token[],
  window: number,
): Promise<void> {
  const stride = Math.floor(window / 2);
  for (let start = 1; ; start += stride) {
    const end = Math.min(start + window - 1, tokens.length);
    await sequence.clearHistory();
    await sequence.controlledEvaluate([tokens[0] as Token, ...tokens.slice(start, end)]);
    if (end === tokens.length) return;
  }
}

/** Wall time, and the process's CPU time (less disturbed by other work on a shared machine). */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, value };
}

// ---- 1. Scorer vs bare loop vs forward pass, vocabulary 512 ----------------------------------------
const corpus = await generateCorpus(corpusTokens);
const tokens = llamaTextTokens(model, corpus).tokens as Token[];
const scored = tokens.length - 1;
const ctx = await openLlamaScoring(model, { threads, contextSize: windowSize });
// Warm-up (page-in, allocator).
await scorePlainText(ctx, corpus);
const rows: { scorer: number; bare: number; forward: number; cpuRatio: number }[] = [];
let figures = { ppl: 0, bpb: 0, windows: 0, evaluated: 0, bareNll: 0, nll: 0 };
for (let r = 0; r < runs; r++) {
  // Alternate who goes first, so a slow spell on this shared machine does not always hit the same side.
  const scorer = () => timed(() => scorePlainText(ctx, corpus));
  const bare = () => timed(() => bareLoop(ctx.sequence, tokens, windowSize));
  const b0 = r % 2 === 1 ? await bare() : null;
  const s = await scorer();
  const b = b0 ?? (await bare());
  const f = await timed(() => forwardOnly(ctx.sequence, tokens, windowSize));
  rows.push({
    scorer: (scored / s.ms) * 1000,
    bare: (scored / b.ms) * 1000,
    forward: (scored / f.ms) * 1000,
    cpuRatio: b.cpuMs / s.cpuMs,
  });
  figures = {
    ppl: s.value.perplexity,
    bpb: s.value.bitsPerByte ?? 0,
    windows: s.value.windows,
    evaluated: s.value.evaluatedTokens,
    bareNll: b.value,
    nll: s.value.nll,
  };
}
await ctx.dispose();
const ratios = rows.map((x) => x.scorer / x.bare);
console.log(
  `1. Plain-text scoring, ${modelPath.split("/").at(-1)}, vocabulary 512, threads ${threads}, ` +
    `window ${windowSize}: ${scored} scored tokens in ${figures.windows} windows (${figures.evaluated} decoded)`,
);
console.log(
  `   PPL ${figures.ppl.toFixed(4)}, ${figures.bpb.toFixed(4)} bits/byte; bare loop agrees: Σ NLL ${figures.nll.toFixed(4)} vs ${figures.bareNll.toFixed(4)}`,
);
rows.forEach((x, i) => {
  console.log(
    `   run ${i + 1}: scorer ${x.scorer.toFixed(0)} tok/s, bare loop ${x.bare.toFixed(0)} tok/s, ` +
      `forward only ${x.forward.toFixed(0)} tok/s, scorer/bare ${(x.scorer / x.bare).toFixed(3)} ` +
      `(by CPU time ${x.cpuRatio.toFixed(3)})`,
  );
});
console.log(
  `   median scorer/bare ${median(ratios).toFixed(3)} (range ${range(ratios, 3)}); ` +
    `median scorer/forward-only ${median(rows.map((x) => x.scorer / x.forward)).toFixed(3)}`,
);

// ---- 2. The library's read at real vocabulary sizes ------------------------------------------------
const POSITIONS = 48;
console.log(
  `\n2. node-llama-cpp, CPU ms per requested position at vocabulary V (padded copies of the test model; ${POSITIONS} ` +
    `positions in one call, median of ${runs} interleaved runs; wall time of the full read in brackets)`,
);
console.log(
  "   V        decode only  argmax  +confidence  full distribution (wall)  sort+softmax  array+Map  scorer/token  positions/call",
);
const probe = tokens.slice(0, POSITIONS + 1);
for (const size of [512, 32_000, 128_256]) {
  const path = join(temp, `wide-${size}.gguf`);
  widenVocabulary(modelPath, path, size);
  const wide: LlamaModel = await llama.loadModel({ modelPath: path });
  const w = await openLlamaScoring(wide, { threads, contextSize: 256 });
  type Next = { token?: boolean; confidence?: boolean; probabilities?: boolean };
  const request = (generateNext: Next | null) =>
    probe.map(
      (t, i): ControlledEvaluateInputItem => (generateNext && i < POSITIONS ? [t, { generateNext }] : t),
    );
  const kinds: [string, ControlledEvaluateInputItem[]][] = [
    ["decode", request(null)],
    ["argmax", request({ token: true })],
    ["confidence", request({ token: true, confidence: true })],
    ["full", request({ probabilities: true })],
  ];
  const times = new Map<string, number[]>(kinds.map(([k]) => [k, []]));
  const fullWall: number[] = [];
  const scorerTimes: number[] = [];
  const probeText = wide.detokenize(probe.slice(1));
  for (let r = 0; r < runs; r++) {
    for (const [kind, input] of kinds) {
      await w.sequence.clearHistory();
      const run = await timed(() => w.sequence.controlledEvaluate(input));
      times.get(kind)?.push(run.cpuMs / POSITIONS);
      if (kind === "full") fullWall.push(run.ms / POSITIONS);
    }
    const scoredRun = await timed(() => scorePlainText(w, probeText));
    scorerTimes.push(scoredRun.cpuMs / scoredRun.value.tokens);
  }
  const m = (kind: string) => median(times.get(kind) ?? []);
  const cell = (v: number, width: number) => v.toFixed(3).padStart(width);
  console.log(
    `   ${String(size).padEnd(8)} ${cell(m("decode"), 11)}  ${cell(m("argmax"), 6)}  ${cell(m("confidence"), 11)}  ` +
      `${cell(m("full"), 9)} (${median(fullWall).toFixed(1).padStart(6)})     ${cell(m("confidence") - m("argmax"), 12)}  ${cell(m("full") - m("confidence"), 9)}  ` +
      `${cell(median(scorerTimes), 12)}  ${String(positionsPerCall(size)).padStart(14)}`,
  );
  await w.dispose();
  await wide.dispose();
  rmSync(path, { force: true });
}
console.log(
  "   sort+softmax = +confidence − argmax (the native sort of V candidates); array+Map = full − +confidence (the N-API\n" +
    `   array of 2V numbers and the JS Map of V). The scorer keeps at most ${MAP_ENTRY_BUDGET.toLocaleString("en")} Map entries alive per call.`,
);

// ---- 3. In-character: one growing pass vs every reply from an empty cache --------------------------
{
  const sentences = corpus.split(/(?<=[.!?])\s+/).filter((x) => x.length > 10);
  const history: PromptMessage[] = Array.from({ length: 40 }, (_, i) => ({
    id: i + 1,
    role: i % 2 === 0 ? "user" : "character",
    text: `${sentences[(2 * i) % sentences.length]} ${sentences[(2 * i + 1) % sentences.length]}`,
  }));
  const items: ReplyPieces[] = history.flatMap((message, i) => {
    if (message.role !== "character") return [];
    const prompt = assemblePrompt({
      character: {
        name: "Lily",
        description: "Lily is a little girl who tells stories.",
        personality: "",
        scenario: "",
      },
      userName: "Sam",
      history: history.slice(0, i),
      template: PYGMALION,
      contextSize: 2048,
      maxReplyTokens: 128,
      countTokens: (text) => model.tokenize(text).length,
    });
    return [
      {
        replyId: String(message.id),
        prompt: prompt.blocks.flatMap((b) => b.pieces),
        reply: [{ text: ` ${message.text}\n`, special: false }],
      },
    ];
  });
  const plan = planSessionScoring(items, { contextSize: 2048, tokenize: (p) => tokenizePieces(model, p) });
  const c = await openLlamaScoring(model, { threads, contextSize: 2048 });
  const planned: { ms: number; cpuMs: number }[] = [];
  const naive: { ms: number; cpuMs: number }[] = [];
  for (let r = 0; r < runs; r++) {
    await c.sequence.clearHistory();
    planned.push(await timed(() => scoreSessionPlan(c, plan)));
    naive.push(
      await timed(async () => {
        for (const pass of plan.passes) {
          for (const reply of pass.replies) {
            await c.sequence.clearHistory();
            await c.score({ tokens: pass.tokens.slice(0, reply.range.end), scored: [reply.range] });
          }
        }
      }),
    );
  }
  await c.dispose();
  const wall = (xs: { ms: number }[]) => median(xs.map((x) => x.ms));
  const cpu = (xs: { cpuMs: number }[]) => median(xs.map((x) => x.cpuMs));
  console.log(
    `\n3. In-character session, ${items.length} replies (${plan.scoredTokens} reply tokens), Pygmalion template, context 2048 ` +
      `(median of ${runs}):` +
      `\n   plan: ${plan.passes.length} pass(es), ${plan.evaluatedTokens} tokens decoded, ${wall(planned).toFixed(0)} ms ` +
      `(CPU ${cpu(planned).toFixed(0)} ms)` +
      `\n   every reply from an empty cache: ${plan.naiveTokens} tokens decoded, ${wall(naive).toFixed(0)} ms ` +
      `(CPU ${cpu(naive).toFixed(0)} ms): ${(wall(naive) / wall(planned)).toFixed(1)}× the time ` +
      `(${(cpu(naive) / cpu(planned)).toFixed(1)}× by CPU time)`,
  );
}

// ---- 4. The same read in plain JS ------------------------------------------------------------------
console.log(
  `\n4. The read in plain JS on Float32Arrays, CPU µs per position (median of ${runs} × 20 positions)`,
);
console.log(
  "   V        log-softmax+target  Map of V (library revive)  typed sort of V (native-sort stand-in)",
);
let sink = 0;
for (const size of [512, 32_000, 128_256, 262_144]) {
  const logits = new Float32Array(size);
  let state = 12345;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    logits[i] = (state / 4294967296) * 20 - 10;
  }
  const pairs: number[] = [];
  for (let i = 0; i < size; i++) pairs.push(i, 1 / size);
  const per = (work: () => void) => {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const cpu = process.cpuUsage();
      for (let k = 0; k < 20; k++) work();
      const used = process.cpuUsage(cpu);
      times.push((used.user + used.system) / 20);
    }
    return median(times);
  };
  const logSoftmax = per(() => {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < size; i++) max = Math.max(max, logits[i] as number);
    let total = 0;
    for (let i = 0; i < size; i++) total += Math.exp((logits[i] as number) - max);
    sink += (logits[size >> 1] as number) - max - Math.log(total);
  });
  const revive = per(() => {
    const map = new Map<number, number>();
    for (let i = 1; i < pairs.length; i += 2) map.set(pairs[i - 1] as number, pairs[i] as number);
    sink += map.get(size >> 1) ?? 0;
  });
  const sort = per(() => {
    sink += logits.slice().sort()[0] as number;
  });
  console.log(
    `   ${String(size).padEnd(8)} ${logSoftmax.toFixed(1).padStart(18)}  ${revive.toFixed(1).padStart(25)}  ${sort.toFixed(1).padStart(38)}`,
  );
}
if (Number.isNaN(sink)) console.log("");

await model.dispose();
await llama.dispose();
rmSync(temp, { recursive: true, force: true });

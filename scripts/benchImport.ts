/**
 * `npm run bench:import`: imports a full-scale synthetic PIPPA file into a fresh data dir and
 * compares it with a baseline measured in the same run (stream the file and JSON.parse every
 * line, nothing else). Ratios, not absolute times, are what to compare across machines.
 *
 * Options: --file PATH (default: generate one in the temp dir), --runs N (baseline repetitions, default 3).
 */
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { writePippaFile } from "./generatePippa";

const { values } = parseArgs({ options: { file: { type: "string" }, runs: { type: "string" } } });
const runs = Number(values.runs ?? 3);
let file = values.file;
if (!file) {
  const dir = join(tmpdir(), "masque-bench");
  mkdirSync(dir, { recursive: true });
  file = join(dir, "pippa-synthetic-full.jsonl");
  if (!existsSync(file)) {
    console.error(`generating ${file} …`);
    console.error(JSON.stringify(await writePippaFile(file, { lines: 25_960, bots: 1_254, seed: 1 })));
  }
}
const bytes = statSync(file).size;

async function baseline(path: string): Promise<{ ms: number; lines: number; messages: number }> {
  const started = performance.now();
  let lines = 0;
  let messages = 0;
  const reader = createInterface({
    input: createReadStream(path, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
  for await (const line of reader) {
    if (!line) continue;
    const record = JSON.parse(line) as { conversation: unknown[] };
    lines++;
    messages += record.conversation.length;
  }
  return { ms: performance.now() - started, lines, messages };
}

const baselines: number[] = [];
let counts = { lines: 0, messages: 0 };
for (let i = 0; i < runs; i++) {
  const b = await baseline(file);
  baselines.push(b.ms);
  counts = { lines: b.lines, messages: b.messages };
}
baselines.sort((a, b) => a - b);
const baselineMs = baselines[Math.floor(baselines.length / 2)] as number;

const dataDir = mkdtempSync(join(tmpdir(), "masque-bench-data-"));
const child = JSON.parse(
  execFileSync(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "benchImportChild.ts"), file, dataDir],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  ).trim(),
) as {
  importMs: number;
  peakRssMb: number;
  maxGapMs: number;
  report: { characters: unknown; sessions: unknown; refusedCount: number };
  search: { ms: number; count: number };
  tagFilter: { ms: number; count: number };
  list: { ms: number; count: number };
  tags: { ms: number; count: number };
};
rmSync(dataDir, { recursive: true, force: true });

const seconds = child.importMs / 1000;
const mb = bytes / 1e6;
const rows: [string, string][] = [
  ["file", `${file} (${mb.toFixed(1)} MB, ${counts.lines} lines, ${counts.messages} messages)`],
  [
    "baseline: stream + JSON.parse",
    `${(baselineMs / 1000).toFixed(2)} s (median of ${runs}: ${baselines.map((b) => (b / 1000).toFixed(2)).join(", ")})`,
  ],
  ["import (through the core)", `${seconds.toFixed(2)} s`],
  ["ratio import / baseline", `${(child.importMs / baselineMs).toFixed(1)}x`],
  ["throughput", `${Math.round(counts.lines / seconds)} lines/s, ${(mb / seconds).toFixed(1)} MB/s`],
  ["peak RSS of the import process", `${child.peakRssMb.toFixed(0)} MB`],
  ["longest event-loop stall during import", `${child.maxGapMs.toFixed(0)} ms`],
  [
    "report",
    JSON.stringify({
      characters: child.report.characters,
      sessions: child.report.sessions,
      refusedCount: child.report.refusedCount,
    }),
  ],
  ["search 'Aria' (FTS, first page)", `${child.search.ms.toFixed(1)} ms, ${child.search.count} results`],
  ["filter tag 'Fantasy'", `${child.tagFilter.ms.toFixed(1)} ms, ${child.tagFilter.count} results`],
  ["list all characters", `${child.list.ms.toFixed(1)} ms, ${child.list.count} results`],
  ["tag counts", `${child.tags.ms.toFixed(1)} ms, ${child.tags.count} tags`],
];
for (const [k, v] of rows) console.log(`${k.padEnd(40)} ${v}`);

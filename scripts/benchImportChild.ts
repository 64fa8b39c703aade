/**
 * One measured import through the real service core, in its own process so its peak RSS is its
 * own. Prints one JSON line. Used by benchImport.ts.
 */
import { readFileSync } from "node:fs";
import { createCore } from "../electron/services/core";
import { createConfSettings } from "../electron/storage/confSettings";
import { unwrapEnvelope } from "../shared/api/envelope";

const [file, dataDir] = process.argv.slice(2) as [string, string];
const core = await createCore({
  dataDir,
  host: "cli",
  settings: createConfSettings(dataDir),
  version: "bench",
});
let maxGapMs = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  maxGapMs = Math.max(maxGapMs, now - last);
  last = now;
}, 5);
const started = performance.now();
const { importId } = unwrapEnvelope(
  await core.dispatch("import.start", { source: { path: file } }),
  "import.start",
) as { importId: string };
let report: unknown = null;
core.subscribe((event, payload) => {
  const p = payload as { importId?: string; report?: unknown; error?: unknown };
  if (p.importId !== importId) return;
  if (event === "import.done") report = p.report;
  if (event === "import.error") report = p.error;
});
await core.imports.settled(importId);
const importMs = performance.now() - started;
clearInterval(ticker);

const timed = async (method: string, input: unknown) => {
  const t = performance.now();
  const r = await core.dispatch(method, input);
  const ms = performance.now() - t;
  return { ms, count: r.ok && Array.isArray(r.value) ? r.value.length : -1 };
};
const search = await timed("characters.list", { search: "Aria" });
const tagFilter = await timed("characters.list", { tag: "Fantasy" });
const list = await timed("characters.list", {});
const tags = await timed("characters.tags", {});
const peakRssMb = Number(readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024;
await core.dispose();
console.log(JSON.stringify({ importMs, peakRssMb, maxGapMs, report, search, tagFilter, list, tags }));

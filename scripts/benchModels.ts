/**
 * `node --import tsx scripts/benchModels.ts`: the model library's figures, each against a baseline
 * measured in the same run on the same loopback server (test/helpers/fakeHub.ts):
 * 1. download throughput of `masque models pull` (a real process: start-up, download, SHA-256
 *    verification, header read) against `curl` of the same file, unthrottled and throttled to a
 *    fast network; the start-up cost (`masque models list` on an empty library) is shown apart;
 * 2. resume savings: `masque models pull` killed with SIGKILL half-way, then run again: bytes the
 *    hub sent the second time / the file size;
 * 3. the fit estimate (`masque models fit --json`) against the RSS a process gains when it loads
 *    the model and evaluates a prompt at the same context size.
 *
 * The download file is a synthetic GGUF (a small header, zero weights) so that header reading costs
 * what it costs for a real model; the fit is measured on the real test model and on the padded copy
 * the tests download (its big metadata value is kept in memory twice, by llama.cpp and in JS).
 *
 * Options: --runs N (default 3), --size-mib N (size of the download test file, default 256).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { type FakeHub, startFakeHub } from "../test/helpers/fakeHub";
import { writeLargeSyntheticGguf, writePaddedGguf } from "../test/helpers/gguf";

const ROOT = resolve(import.meta.dirname, "..");
const MODEL = resolve(
  process.env.MASQUE_TEST_MODEL ?? join(ROOT, "..", "shared", "models", "stories260K.gguf"),
);
const CONTEXT = 2048;

if (process.argv[2] === "--measure-rss") {
  await measureRss(process.argv[3] as string, Number(process.argv[4]));
  process.exit(0);
}

const { values } = parseArgs({ options: { runs: { type: "string" }, "size-mib": { type: "string" } } });
const runs = Number(values.runs ?? 3);
const sizeMib = Number(values["size-mib"] ?? 256);

const work = mkdtempSync(join(tmpdir(), "masque-bench-models-"));
const bigPath = join(work, "Synthetic-F32.gguf");
const mediumPath = join(work, "Stories-Medium-Q8_0.gguf");
writeLargeSyntheticGguf(bigPath, sizeMib * 1024 * 1024);
await writePaddedGguf(MODEL, mediumPath, 40 * 1024 * 1024);
const size = statSync(bigPath).size;
const hub = await startFakeHub([
  {
    user: "bench",
    repo: "Stories-GGUF",
    files: [{ path: "Synthetic-F32.gguf", source: bigPath }],
    tags: { F32: "Synthetic-F32.gguf" },
  },
]);
const uri = "hf:bench/Stories-GGUF:F32";
const fileUrl = `${hub.url}bench/Stories-GGUF/resolve/main/Synthetic-F32.gguf?download=true`;
const env = { ...process.env, MASQUE_HF_ENDPOINT: hub.url };
const mib = (bytes: number) => bytes / 1024 / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Runs a command without blocking this process (the hub answering it lives here). */
function run(command: string, args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolveRun({ ms: performance.now() - started, stdout })
        : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${stderr}`)),
    );
  });
}

const masque = (dataDir: string, args: string[]) =>
  run(process.execPath, [join(ROOT, "bin", "masque.js"), "--data-dir", dataDir, ...args]);
const curl = async (target: string) => (await run("curl", ["-sS", "-f", "-o", target, fileUrl])).ms;
const sha256sum = async (target: string) => (await run("sha256sum", [target])).ms;

console.log(
  `Model library benchmark: ${runs} runs, download file ${mib(size).toFixed(1)} MiB, loopback hub ${hub.url}\n`,
);

// 1. Throughput.
const startup: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(work, "empty-"));
  startup.push((await masque(dir, ["models", "list", "--json"])).ms);
  rmSync(dir, { recursive: true, force: true });
}
for (const [label, throttle] of [
  ["unthrottled loopback", 0],
  ["throttled server (nominal 100 MiB/s; curl shows the rate reached)", 100 * 1024 * 1024],
] as const) {
  hub.setThrottle(throttle);
  const curlMs: number[] = [];
  const hashMs: number[] = [];
  const pullMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const target = join(work, "curl.gguf");
    curlMs.push(await curl(target));
    hashMs.push(await sha256sum(target));
    rmSync(target, { force: true });
    const dir = mkdtempSync(join(work, "pull-"));
    pullMs.push((await masque(dir, ["models", "pull", uri, "--json"])).ms);
    rmSync(dir, { recursive: true, force: true });
  }
  const c = median(curlMs);
  const p = median(pullMs);
  const h = median(hashMs);
  const s = median(startup);
  console.log(`Throughput, ${label} (median of ${runs}):`);
  console.log(
    `  curl                          ${(c / 1000).toFixed(2)} s  ${(mib(size) / (c / 1000)).toFixed(0)} MiB/s`,
  );
  console.log(`  curl + sha256sum              ${((c + h) / 1000).toFixed(2)} s`);
  console.log(
    `  masque models pull            ${(p / 1000).toFixed(2)} s  ${(mib(size) / (p / 1000)).toFixed(0)} MiB/s`,
  );
  console.log(`  masque start-up alone         ${(s / 1000).toFixed(2)} s`);
  console.log(`  ratio pull / curl             ${(p / c).toFixed(2)}`);
  console.log(`  ratio pull / (curl + sha256)  ${(p / (c + h)).toFixed(2)}`);
  console.log(`  ratio (pull - start-up) / (curl + sha256)  ${((p - s) / (c + h)).toFixed(2)}\n`);
}

// 2. Resume savings after kill -9 half-way.
const savings: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(work, "resume-"));
  hub.setThrottle(64 * 1024 * 1024);
  hub.resetCounters();
  await pullUntilKilled(hub, dir, 0.5);
  hub.setThrottle(0);
  hub.resetCounters();
  await masque(dir, ["models", "pull", uri, "--json"]);
  savings.push(hub.bytesServed() / size);
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `Resume after kill -9 at about 50% (${runs} runs): the second run fetched ${savings.map((s) => `${(s * 100).toFixed(1)}%`).join(", ")} of the file (median ${(median(savings) * 100).toFixed(1)}%)\n`,
);

// 3. Fit estimate against the RSS of a process that loads the model.
console.log("Fit estimate against measured RSS (CPU, threads 1):");
const fitDir = mkdtempSync(join(work, "fit-"));
for (const [path, context] of [
  [MODEL, 512],
  [MODEL, CONTEXT],
  [mediumPath, CONTEXT],
] as const) {
  const fit = JSON.parse(
    (await masque(fitDir, ["models", "fit", path, "--context", String(context), "--json"])).stdout,
  ) as { ramBytes: number };
  const measured: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = await run(process.execPath, [
      "--expose-gc",
      "--import",
      "tsx",
      join(ROOT, "scripts", "benchModels.ts"),
      "--measure-rss",
      path,
      String(context),
    ]);
    measured.push(Number(child.stdout.trim().split("\n").at(-1)));
  }
  const rss = median(measured);
  console.log(
    `  ${path.split("/").at(-1)?.padEnd(26)} file ${mib(statSync(path).size).toFixed(1).padStart(5)} MiB  ctx ${String(context).padStart(4)}  ` +
      `estimate ${mib(fit.ramBytes).toFixed(1).padStart(5)} MiB  RSS gained ${mib(rss).toFixed(1).padStart(6)} MiB  ` +
      `estimate / RSS ${(fit.ramBytes / rss).toFixed(2)}`,
  );
}

await hub.close();
rmSync(work, { recursive: true, force: true });

/** Starts a pull and kills it with SIGKILL once its progress passes `fraction`. */
function pullUntilKilled(fakeHub: FakeHub, dataDir: string, fraction: number): Promise<void> {
  return new Promise((resolveKill, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "bin", "masque.js"), "--data-dir", dataDir, "models", "pull", uri],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const percents = [...stderr.matchAll(/: (\d+)% \(/g)].map((m) => Number(m[1]));
      if ((percents.at(-1) ?? 0) >= fraction * 100 && child.exitCode === null) child.kill("SIGKILL");
    });
    child.on("exit", (_code, signal) =>
      signal === "SIGKILL"
        ? resolveKill()
        : reject(new Error(`the pull ended before the kill (${fakeHub.bytesServed()} bytes):\n${stderr}`)),
    );
  });
}

/** In a fresh process: RSS gained by loading the model and evaluating a prompt with a `context`-token context. */
async function measureRss(path: string, context: number): Promise<void> {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const before = process.memoryUsage().rss;
  const model = await llama.loadModel({ modelPath: path });
  const ctx = await model.createContext({ contextSize: context, threads: 1, flashAttention: false });
  const sequence = ctx.getSequence();
  const prompt = model.tokenize(
    "Once upon a time, there was a little girl named Lily. She loved to play in the park.",
  );
  let count = 0;
  for await (const _token of sequence.evaluate(prompt, { temperature: 0 })) if (++count >= 16) break;
  // Garbage of the JS-side header parse is not what the model keeps.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const after = process.memoryUsage().rss;
  console.log(after - before);
  await ctx.dispose();
  await model.dispose();
  await llama.dispose();
}

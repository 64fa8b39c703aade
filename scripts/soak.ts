/**
 * The kill -9 soak: runs the real CLI (`bin/masque.js`, a real process on a real database) and
 * kills it with SIGKILL at random points of three kinds of work, then checks the library:
 *
 * - import: a generated PIPPA file (scripts/generatePippa.ts) imported into a copy of a base library;
 * - generate: `chats send` with the real model and a large --max-tokens;
 * - export: `export pippa --all` over a library of several thousand messages.
 *
 * After every kill: `PRAGMA integrity_check` is "ok" and no foreign key dangles; every message (and
 * reference session and character) that existed before the command still exists, unchanged; the
 * next command works (`characters list`), and the same kind of command run again completes (a
 * re-run import ends with exactly the sessions a clean import gives). Partial replies kept after a
 * kill (stopReason "interrupted") are accepted, never required.
 *
 * Usage: node --import tsx scripts/soak.ts [--import N] [--generate N] [--export N] [--seed N]
 *          [--model PATH] [--max-tokens N] [--keep] [--json]
 * Prints kills, checks and failures per phase; exits 1 when any check failed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { writePippaFile } from "./generatePippa";

const PROJECT_ROOT = resolve(import.meta.dirname, "..");
const CLI = join(PROJECT_ROOT, "bin", "masque.js");
const DEFAULT_MODEL = resolve(PROJECT_ROOT, "..", "shared", "models", "stories260K.gguf");
const DATABASE_FILE = "masque.sqlite";

export type Phase = "import" | "generate" | "export";
export const PHASES: readonly Phase[] = ["import", "generate", "export"];

export interface SoakOptions {
  kills: Record<Phase, number>;
  seed: number;
  model: string;
  /**
   * --max-tokens of the generations that are killed: large, so most kills land mid-reply, yet within
   * the test model's 2048-token context (the context is capped at the trained size).
   */
  maxTokens: number;
  /**
   * Size of the work: PIPPA lines per killed import, PIPPA lines already in the base library, and
   * SillyTavern chats (count and messages) in the base library, which the export phase exports.
   */
  scale: {
    pippaLines: number;
    pippaBots: number;
    basePippaLines: number;
    chatMessages: number;
    chats: number;
  };
  /** Where progress lines go. */
  log: (line: string) => void;
  /** Keep the temporary directory (its path is logged). */
  keep?: boolean;
}

export interface PhaseReport {
  phase: Phase;
  /** Kills delivered while the command was running. */
  kills: number;
  /**
   * Kills that landed after the command had visibly started its work (its first progress line or
   * streamed text); null for export, which prints nothing until it is done.
   */
  killsInWork: number | null;
  /** Attempts where the command finished before the kill (not counted as kills; retried). */
  finishedFirst: number;
  checks: number;
  failures: string[];
  /** Things seen that are not failures (e.g. partial replies kept, export files left behind). */
  notes: Record<string, number>;
}

export const SOAK_DEFAULTS: Omit<SoakOptions, "log"> = {
  kills: { import: 50, generate: 50, export: 50 },
  seed: 1,
  model: DEFAULT_MODEL,
  maxTokens: 1200,
  scale: { pippaLines: 8000, pippaBots: 300, basePippaLines: 2000, chatMessages: 3000, chats: 4 },
};

interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Milliseconds from spawn to the first byte of output, if any came. */
  firstOutputMs: number | null;
}

interface Running {
  child: ChildProcess;
  started: number;
  result: Promise<CommandResult>;
  /** True once the command printed anything (its work has visibly begun). */
  readonly sawOutput: boolean;
}

function start(dataDir: string, args: string[]): Running {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, "--data-dir", dataDir, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, MASQUE_DATA_DIR: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let firstOutputMs: number | null = null;
  const seen = () => {
    firstOutputMs ??= performance.now() - started;
  };
  child.stdout?.on("data", (d: Buffer) => {
    seen();
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    seen();
    stderr += d.toString();
  });
  const result = new Promise<CommandResult>((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolvePromise({ code, signal, stdout, stderr, ms: performance.now() - started, firstOutputMs }),
    );
  });
  return {
    child,
    started,
    result,
    get sawOutput() {
      return firstOutputMs !== null;
    },
  };
}

function run(dataDir: string, args: string[]): Promise<CommandResult> {
  return start(dataDir, args).result;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A small seedable PRNG (mulberry32), so a soak run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What must survive a kill: every row that existed before the command, by id, with its content. */
interface Snapshot {
  messages: Map<number, string>;
  sessions: Map<number, string>;
  characters: Set<number>;
}

function openForCheck(dataDir: string): DatabaseSync {
  // Read-only, so the check neither recovers nor checkpoints the WAL the killed process left:
  // the next command finds the files exactly as the kill left them.
  return new DatabaseSync(join(dataDir, DATABASE_FILE), { readOnly: true });
}

function snapshot(dataDir: string): Snapshot {
  const db = openForCheck(dataDir);
  try {
    const messages = new Map<number, string>();
    for (const row of db.prepare("SELECT id, chat_id, parent_id, role, text FROM messages").all()) {
      messages.set(Number(row.id), `${row.chat_id}|${row.parent_id}|${row.role}|${row.text}`);
    }
    const sessions = new Map<number, string>();
    for (const row of db.prepare("SELECT id, content_hash FROM reference_sessions").all()) {
      sessions.set(Number(row.id), String(row.content_hash));
    }
    const characters = new Set<number>();
    for (const row of db.prepare("SELECT id FROM characters").all()) characters.add(Number(row.id));
    return { messages, sessions, characters };
  } finally {
    db.close();
  }
}

class Checker {
  checks = 0;
  readonly failures: string[] = [];
  constructor(private readonly phase: Phase) {}

  check(ok: boolean, what: string, detail = ""): boolean {
    this.checks++;
    if (!ok) this.failures.push(`${this.phase}: ${what}${detail ? ` (${detail})` : ""}`);
    return ok;
  }

  /** The database after a kill: intact, and nothing that existed before it lost or changed. */
  database(dataDir: string, before: Snapshot, label: string): Snapshot | null {
    let after: Snapshot;
    let integrity: string;
    let danglingKeys: number;
    try {
      const db = openForCheck(dataDir);
      try {
        integrity = (db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[])
          .map((r) => r.integrity_check)
          .join("; ");
        danglingKeys = db.prepare("PRAGMA foreign_key_check").all().length;
      } finally {
        db.close();
      }
      after = snapshot(dataDir);
    } catch (error) {
      this.check(false, `${label}: the database cannot be read`, (error as Error).message);
      return null;
    }
    this.check(integrity === "ok", `${label}: integrity_check`, integrity);
    this.check(danglingKeys === 0, `${label}: foreign_key_check`, `${danglingKeys} dangling rows`);
    const lost = (kind: string, ids: number[]) =>
      this.check(ids.length === 0, `${label}: ${kind} lost or changed`, ids.slice(0, 5).join(", "));
    lost(
      "messages",
      [...before.messages].filter(([id, content]) => after.messages.get(id) !== content).map(([id]) => id),
    );
    lost(
      "reference sessions",
      [...before.sessions].filter(([id, hash]) => after.sessions.get(id) !== hash).map(([id]) => id),
    );
    lost(
      "characters",
      [...before.characters].filter((id) => !after.characters.has(id)),
    );
    return after;
  }

  command(result: CommandResult, what: string): boolean {
    const ok = result.code === 0;
    return this.check(ok, `${what} failed`, ok ? "" : `exit ${result.code}: ${lastLines(result.stderr)}`);
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" / ").slice(0, 400);
}

/** A SillyTavern chat file of `messages` lines, so the export phase has real work to do. */
async function writeSillyTavernChat(path: string, messages: number, rand: () => number): Promise<void> {
  const words =
    "the a sun rain castle forest tea book night light warm quiet road river story dragon friend".split(" ");
  const sentence = () =>
    Array.from({ length: 6 + Math.floor(rand() * 30) }, () => words[Math.floor(rand() * words.length)]).join(
      " ",
    );
  const out = createWriteStream(path);
  const write = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
  write({
    user_name: "Traveller",
    character_name: "Soak Keeper",
    create_date: "2024-01-01 @10h 00m 00s 000ms",
  });
  for (let i = 0; i < messages; i++) {
    const isUser = i % 2 === 1;
    write({ name: isUser ? "Traveller" : "Soak Keeper", is_user: isUser, mes: `${sentence()}.` });
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

interface Library {
  root: string;
  /** A clean library (closed, no WAL) with reference sessions, chats and messages. */
  base: string;
  /** The PIPPA file the import phase imports (not yet in `base`). */
  pippa: string;
  /** Reference sessions after a clean import of `pippa` into a copy of `base`. */
  sessionsAfterImport: number;
  /** The chat the generation phase talks in. */
  chatId: number;
  /** How long a trivial command takes here (process start and opening the library). */
  startupMs: number;
  /** How long an uninterrupted import of `pippa` took. */
  importMs: number;
}

async function prepare(options: SoakOptions, rand: () => number): Promise<Library> {
  const root = mkdtempSync(join(tmpdir(), "masque-soak-"));
  const base = join(root, "base");
  const { pippaLines, pippaBots, basePippaLines, chatMessages, chats } = options.scale;
  options.log(`preparing ${root}`);
  const fail = (what: string, result: CommandResult) => {
    throw new Error(`soak setup: ${what} failed (exit ${result.code}): ${lastLines(result.stderr)}`);
  };

  if (basePippaLines > 0) {
    const older = join(root, "older.jsonl");
    await writePippaFile(older, { lines: basePippaLines, bots: pippaBots, seed: options.seed + 1000 });
    const baseImport = await run(base, ["import", older, "--json"]);
    if (baseImport.code !== 0) fail("the base import", baseImport);
  }
  for (let i = 0; i < chats; i++) {
    const file = join(root, `chat-${i}.jsonl`);
    await writeSillyTavernChat(file, chatMessages, rand);
    const imported = await run(base, ["import", file, "--format", "sillytavern", "--json"]);
    if (imported.code !== 0) fail("a SillyTavern import", imported);
  }
  const created = await run(base, [
    "characters",
    "create",
    "--name",
    "Lily",
    "--greeting",
    "Hi! I am Lily. Do you want to hear a story?",
    "--json",
  ]);
  if (created.code !== 0) fail("characters create", created);
  const character = JSON.parse(created.stdout) as { id: number };
  const chat = await run(base, ["chats", "new", String(character.id), "--json"]);
  if (chat.code !== 0) fail("chats new", chat);
  const chatId = (JSON.parse(chat.stdout) as { chat: { id: number } }).chat.id;

  const listed = await run(base, ["characters", "list", "--json"]);
  if (listed.code !== 0) fail("characters list", listed);
  // The fastest trivial command: process start and opening the library, with the least noise.
  const startupMs = Math.min(created.ms, chat.ms, listed.ms);

  const pippa = join(root, "import.jsonl");
  await writePippaFile(pippa, { lines: pippaLines, bots: pippaBots, seed: options.seed });
  const reference = join(root, "reference");
  cpSync(base, reference, { recursive: true });
  const clean = await run(reference, ["import", pippa, "--json"]);
  if (clean.code !== 0) fail("the reference import", clean);
  const sessionsAfterImport = snapshot(reference).sessions.size;
  rmSync(reference, { recursive: true, force: true });
  options.log(
    `library ready: ${snapshot(base).messages.size} messages, ${sessionsAfterImport} sessions after import; ` +
      `startup ${Math.round(startupMs)} ms, import ${Math.round(clean.ms)} ms`,
  );
  return { root, base, pippa, sessionsAfterImport, chatId, startupMs, importMs: clean.ms };
}

/**
 * Starts `args`, kills it with SIGKILL after a random delay in [lo, hi] ms, and reports whether the
 * kill landed while it ran. A command that finished first is reported as such (the caller retries).
 */
async function killAtRandom(
  dataDir: string,
  args: string[],
  lo: number,
  hi: number,
  rand: () => number,
): Promise<{ killed: boolean; inWork: boolean; result: CommandResult }> {
  const running = start(dataDir, args);
  const delay = lo + rand() * Math.max(0, hi - lo);
  const finished = await Promise.race([running.result.then(() => true), sleep(delay).then(() => false)]);
  if (finished) return { killed: false, inWork: false, result: await running.result };
  const inWork = running.sawOutput;
  running.child.kill("SIGKILL");
  const result = await running.result;
  return { killed: result.signal === "SIGKILL", inWork, result };
}

interface PhaseContext {
  phase: Phase;
  library: Library;
  options: SoakOptions;
  rand: () => number;
  checker: Checker;
  report: PhaseReport;
  /** Where the command runs (import: a fresh copy of the base library each time). */
  dir: string;
  exportFile: string;
}

async function soakPhase(
  phase: Phase,
  library: Library,
  options: SoakOptions,
  rand: () => number,
  work: { dir: string; lo: number; hi: number },
): Promise<PhaseReport> {
  const checker = new Checker(phase);
  const report: PhaseReport = {
    phase,
    kills: 0,
    killsInWork: phase === "export" ? null : 0,
    finishedFirst: 0,
    checks: 0,
    failures: checker.failures,
    notes: {},
  };
  const context: PhaseContext = {
    phase,
    library,
    options,
    rand,
    checker,
    report,
    dir: phase === "import" ? join(library.root, "import-work") : work.dir,
    exportFile: join(library.root, "export.jsonl"),
  };
  const window = { lo: work.lo, hi: work.hi };
  let attempts = 0;
  while (report.kills < options.kills[phase]) {
    if (++attempts > options.kills[phase] * 4 + 10) {
      checker.check(
        false,
        "too many commands finished before the kill",
        `${report.finishedFirst} of ${attempts}`,
      );
      break;
    }
    const finishedMs = await killOnce(context, window);
    // Faster than measured: aim earlier from now on.
    if (finishedMs !== null) window.hi = Math.max(window.lo + 50, finishedMs * 0.9);
    else if (report.kills % 10 === 0) options.log(`${phase}: ${report.kills}/${options.kills[phase]} kills`);
  }
  report.checks = checker.checks;
  if (phase === "import") rmSync(context.dir, { recursive: true, force: true });
  return report;
}

/** One attempt: run, kill, check. Returns the command's duration when it finished before the kill. */
async function killOnce(context: PhaseContext, window: { lo: number; hi: number }): Promise<number | null> {
  const { phase, library, options, checker, report, dir, exportFile } = context;
  if (phase === "import") {
    rmSync(dir, { recursive: true, force: true });
    cpSync(library.base, dir, { recursive: true });
  }
  if (phase === "export") rmSync(exportFile, { force: true });
  const before = snapshot(dir);
  const args = commandFor(phase, library, options, report.kills);
  const outcome = await killAtRandom(dir, args, window.lo, window.hi, context.rand);
  if (!outcome.killed) {
    report.finishedFirst++;
    checker.command(outcome.result, `${phase} (not killed)`);
    return outcome.result.ms;
  }
  report.kills++;
  if (outcome.inWork && report.killsInWork !== null) report.killsInWork++;
  const label = `kill ${report.kills}`;
  const note = (key: string) => {
    report.notes[key] = (report.notes[key] ?? 0) + 1;
  };

  const after = checker.database(dir, before, label);
  if (phase === "generate" && after && countInterrupted(dir) > 0)
    note("partial replies kept (stopReason interrupted)");
  if (phase === "export" && existsSync(exportFile)) {
    note(
      exportLooksComplete(exportFile)
        ? "export file complete after kill"
        : "export file truncated after kill",
    );
  }

  const listed = await run(dir, ["characters", "list", "--json"]);
  if (checker.command(listed, `${label}: characters list after the kill`)) {
    checker.check(Array.isArray(JSON.parse(listed.stdout)), `${label}: characters list is a JSON array`);
  }
  await rerun(phase, dir, library, options, checker, label, exportFile);
  checker.database(dir, before, `${label}, after the re-run`);
  return null;
}

function commandFor(phase: Phase, library: Library, options: SoakOptions, n: number): string[] {
  if (phase === "import") return ["import", library.pippa, "--json"];
  if (phase === "export")
    return [
      "export",
      "pippa",
      "--all",
      "--out",
      join(library.root, "export.jsonl"),
      "--accept-flagged",
      "--json",
    ];
  return [
    "chats",
    "send",
    String(library.chatId),
    `Tell me a long story, please (${n}).`,
    "--model",
    options.model,
    "--threads",
    "1",
    "--max-tokens",
    String(options.maxTokens),
    "--seed",
    String(options.seed + n + 1),
  ];
}

/** The same kind of command again, to the end: it must complete and leave the expected result. */
async function rerun(
  phase: Phase,
  dir: string,
  library: Library,
  options: SoakOptions,
  checker: Checker,
  label: string,
  exportFile: string,
): Promise<void> {
  if (phase === "import") {
    const again = await run(dir, ["import", library.pippa, "--json"]);
    if (!checker.command(again, `${label}: import re-run`)) return;
    const sessions = snapshot(dir).sessions.size;
    checker.check(
      sessions === library.sessionsAfterImport,
      `${label}: the re-run import ends with the sessions of a clean import`,
      `${sessions} vs ${library.sessionsAfterImport}`,
    );
  } else if (phase === "generate") {
    const again = await run(dir, [
      "chats",
      "send",
      String(library.chatId),
      "And then?",
      "--model",
      options.model,
      "--threads",
      "1",
      "--max-tokens",
      "32",
      "--json",
    ]);
    if (!checker.command(again, `${label}: chats send re-run`)) return;
    const reply = (JSON.parse(again.stdout) as { reply?: { text?: unknown } }).reply;
    checker.check(typeof reply?.text === "string", `${label}: the re-run send returned a reply`);
  } else {
    const again = await run(dir, commandFor("export", library, options, 0));
    if (!checker.command(again, `${label}: export re-run`)) return;
    checker.check(exportLooksComplete(exportFile), `${label}: the re-run export file is complete`);
  }
}

function countInterrupted(dir: string): number {
  const db = openForCheck(dir);
  try {
    return (
      db.prepare("SELECT count(*) AS n FROM messages WHERE stop_reason = 'interrupted'").get() as {
        n: number;
      }
    ).n;
  } finally {
    db.close();
  }
}

/** Every line of the file is whole JSON (an export cut by the kill ends mid-line or empty). */
function exportLooksComplete(file: string): boolean {
  if (statSync(file).size === 0) return false;
  const text = readFileSync(file, "utf8");
  if (!text.endsWith("\n")) return false;
  try {
    for (const line of text.split("\n")) if (line !== "") JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

export async function runSoak(options: SoakOptions): Promise<PhaseReport[]> {
  if (!existsSync(options.model)) throw new Error(`the model ${options.model} is missing`);
  const rand = random(options.seed);
  const library = await prepare(options, rand);
  const reports: PhaseReport[] = [];
  try {
    // Kills land between half the start-up time and the measured end of the command.
    const lo = library.startupMs * 0.5;
    if (options.kills.import > 0) {
      reports.push(await soakPhase("import", library, options, rand, { dir: "", lo, hi: library.importMs }));
    }
    const talk = join(library.root, "talk");
    cpSync(library.base, talk, { recursive: true });
    if (options.kills.generate > 0) {
      const measured = await run(talk, commandFor("generate", library, options, -1));
      if (measured.code !== 0)
        throw new Error(`soak setup: a full reply failed: ${lastLines(measured.stderr)}`);
      options.log(`a full reply takes ${Math.round(measured.ms)} ms`);
      reports.push(await soakPhase("generate", library, options, rand, { dir: talk, lo, hi: measured.ms }));
    }
    if (options.kills.export > 0) {
      const measured = await run(talk, commandFor("export", library, options, 0));
      if (measured.code !== 0)
        throw new Error(`soak setup: a full export failed: ${lastLines(measured.stderr)}`);
      options.log(`a full export takes ${Math.round(measured.ms)} ms`);
      reports.push(await soakPhase("export", library, options, rand, { dir: talk, lo, hi: measured.ms }));
    }
  } finally {
    if (options.keep) options.log(`kept ${library.root}`);
    else rmSync(library.root, { recursive: true, force: true });
  }
  return reports;
}

export function formatReports(reports: readonly PhaseReport[]): string {
  const rows = reports.map(
    (r) =>
      `${r.phase.padEnd(9)} ${String(r.kills).padStart(5)} ${String(r.killsInWork ?? "n/a").padStart(8)} ` +
      `${String(r.finishedFirst).padStart(9)} ${String(r.checks).padStart(7)} ${String(r.failures.length).padStart(8)}`,
  );
  const notes = reports.flatMap((r) => Object.entries(r.notes).map(([k, v]) => `  ${r.phase}: ${k}: ${v}`));
  const failures = reports.flatMap((r) => r.failures.map((f) => `  FAIL ${f}`));
  return [
    "phase     kills  in work  finished   checks failures",
    ...rows,
    ...(notes.length > 0 ? ["notes:", ...notes] : []),
    ...failures,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      import: { type: "string" },
      generate: { type: "string" },
      export: { type: "string" },
      seed: { type: "string" },
      model: { type: "string" },
      "max-tokens": { type: "string" },
      keep: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const count = (value: string | undefined, fallback: number, name: string) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < 0) {
      console.error(`--${name} must be a whole number ≥ 0`);
      process.exit(1);
    }
    return n;
  };
  const options: SoakOptions = {
    ...SOAK_DEFAULTS,
    kills: {
      import: count(values.import, SOAK_DEFAULTS.kills.import, "import"),
      generate: count(values.generate, SOAK_DEFAULTS.kills.generate, "generate"),
      export: count(values.export, SOAK_DEFAULTS.kills.export, "export"),
    },
    seed: count(values.seed, SOAK_DEFAULTS.seed, "seed"),
    model: resolve(values.model ?? SOAK_DEFAULTS.model),
    maxTokens: count(values["max-tokens"], SOAK_DEFAULTS.maxTokens, "max-tokens"),
    keep: values.keep === true,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const started = performance.now();
  const reports = await runSoak(options);
  if (values.json) process.stdout.write(`${JSON.stringify(reports)}\n`);
  else
    process.stdout.write(
      `${formatReports(reports)}\n(${Math.round((performance.now() - started) / 1000)} s)\n`,
    );
  process.exitCode = reports.some((r) => r.failures.length > 0) ? 1 : 0;
}

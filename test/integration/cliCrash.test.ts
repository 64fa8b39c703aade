/**
 * Real processes, the real model, one shared database: a `masque chats send` killed with SIGKILL
 * while it streams leaves its text as an "interrupted" reply, and a second process cannot generate
 * on a chat the first one is generating on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_FILE } from "../../electron/storage/database";
import type { ChatView } from "../../shared/domain/chat";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, PROJECT_ROOT, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-crash-");
const masque = (...args: string[]) => runMasque(["--data-dir", temp.dir, ...args]);
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
  temp.cleanup();
});

interface Streaming {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * A long reply streamed as plain text. Two threads on this two-core machine slow llama.cpp down
 * (it busy-waits), so the reply streams for seconds: long enough to be caught in the middle.
 */
function startLongSend(chatId: number, text: string): Streaming {
  const child = spawn(
    process.execPath,
    [
      join(PROJECT_ROOT, "bin", "masque.js"),
      "--data-dir",
      temp.dir,
      "chats",
      "send",
      String(chatId),
      text,
      "--model",
      TEST_MODEL_PATH,
      "--max-tokens",
      "1800",
      "--threads",
      "2",
      "--seed",
      "1",
    ],
    { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Reads the shared database as another process would (read-only), while the CLI writes it. */
function savedPartialText(chatId: number): string | null {
  const db = new DatabaseSync(join(temp.dir, DATABASE_FILE), { readOnly: true });
  try {
    const row = db.prepare("SELECT text FROM partial_replies WHERE chat_id = ?").get(chatId) as
      | { text: string }
      | undefined;
    return row?.text ?? null;
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => boolean, streaming: Streaming, timeoutMs = 60_000) {
  const started = Date.now();
  while (!check()) {
    if (streaming.child.exitCode !== null) {
      throw new Error(`the CLI ended before ${what}: ${streaming.stderr()}`);
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function noTwoUserTurnsInARow(view: ChatView): void {
  view.messages.forEach((m, i) => {
    if (i > 0 && m.role === "user") expect(view.messages[i - 1]?.role, `message ${m.id}`).toBe("character");
  });
}

describe.skipIf(!HAS_TEST_MODEL)("CLI processes sharing a chat", () => {
  let chatId: number;

  beforeAll(async () => {
    const created = await masque(
      "characters",
      "create",
      "--name",
      "Lily",
      "--greeting",
      "Hi! I am Lily.",
      "--json",
    );
    expect(created.code, created.stderr).toBe(0);
    const characterId = (JSON.parse(created.stdout) as { id: number }).id;
    chatId = (JSON.parse((await masque("chats", "new", String(characterId), "--json")).stdout) as ChatView)
      .chat.id;
    expect((await masque("settings", "set", "contextSize", "2048")).code).toBe(0);
  });

  it("refuses a second process generating on the same chat with BUSY, exit code 1", async () => {
    const first = startLongSend(chatId, "Tell me a long story.");
    await until("the reply streams", () => first.stdout().trim().length > 0, first);
    const second = await masque(
      "chats",
      "send",
      String(chatId),
      "Me too!",
      "--model",
      TEST_MODEL_PATH,
      "--threads",
      "1",
      "--max-tokens",
      "8",
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^BUSY: chat \d+ is busy in another Masque process \(pid \d+\)/);
    // Ctrl+C stops the first one; its text is kept as a stopped reply.
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    const view = JSON.parse((await masque("chats", "show", String(chatId), "--json")).stdout) as ChatView;
    expect(view.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "Tell me a long story.",
    ]);
    expect(view.messages.at(-1)).toMatchObject({
      role: "character",
      status: "stopped",
      stopReason: "aborted",
    });
  });

  it("keeps what streamed before a kill -9 as an interrupted reply, never two user turns in a row", async () => {
    const crashing = startLongSend(chatId, "And another long one, please.");
    await until(
      "the partial reply is saved",
      () => (savedPartialText(chatId) ?? "").trim().length > 0,
      crashing,
    );
    crashing.child.kill("SIGKILL");
    await crashing.exited;
    const printed = crashing.stdout();

    // The next command (any) finds the dead process's lease and partial reply.
    const shown = await masque("chats", "show", String(chatId), "--json");
    expect(shown.code, shown.stderr).toBe(0);
    const view = JSON.parse(shown.stdout) as ChatView;
    const last = view.messages.at(-1);
    expect(view.messages.at(-2)).toMatchObject({ role: "user", text: "And another long one, please." });
    expect(last).toMatchObject({ role: "character", status: "stopped", stopReason: "interrupted" });
    expect(last?.text.trim().length).toBeGreaterThan(0);
    // What was saved had been printed: the kept text is the start of the streamed text.
    expect(printed.startsWith(last?.text as string)).toBe(true);
    noTwoUserTurnsInARow(view);
    expect(savedPartialText(chatId)).toBeNull();

    // The chat goes on normally.
    const next = await masque(
      "chats",
      "send",
      String(chatId),
      "What happened?",
      "--model",
      TEST_MODEL_PATH,
      "--threads",
      "1",
      "--max-tokens",
      "8",
      "--json",
    );
    expect(next.code, next.stderr).toBe(0);
    noTwoUserTurnsInARow(JSON.parse((await masque("chats", "show", String(chatId), "--json")).stdout));
  });
});

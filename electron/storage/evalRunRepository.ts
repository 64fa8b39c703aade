/**
 * Stored evaluation runs (perplexity and blind A/B) with their A/B prompts, replies and items.
 * A run still marked "running" whose owner process is gone was interrupted: `markInterrupted`
 * records that, so a crashed or killed run is never shown as complete.
 */
import { hostname } from "node:os";
import type { AbVote, EvalRunKind, EvalRunStatus } from "../../shared/domain/eval";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

export interface EvalRunRow {
  id: number;
  kind: EvalRunKind;
  status: EvalRunStatus;
  label: string;
  ownerPid: number | null;
  createdAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  selection: unknown;
  selectionHash: string;
  settings: unknown;
  result: unknown;
  error: string | null;
}

interface RawRun {
  id: number;
  kind: EvalRunKind;
  status: EvalRunStatus;
  label: string;
  owner_pid: number | null;
  owner_host: string | null;
  created_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  selection_json: string;
  selection_hash: string;
  settings_json: string;
  result_json: string | null;
  error: string | null;
}

export interface AbItemRow {
  item: number;
  promptIndex: number;
  slotA: string;
  slotB: string;
  vote: AbVote | null;
}

export interface AbReplyRow {
  promptIndex: number;
  contestant: string;
  text: string;
  tokens: number;
}

export class EvalRunRepository {
  constructor(private readonly database: Database) {}

  create(run: { kind: EvalRunKind; label: string; selection: unknown; settings: unknown }): number {
    const result = this.database.db
      .prepare(
        `INSERT INTO eval_runs (kind, status, label, owner_pid, owner_host, created_at, selection_json, settings_json)
         VALUES (?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.kind,
        run.label,
        process.pid,
        hostname(),
        Date.now(),
        JSON.stringify(run.selection),
        JSON.stringify(run.settings),
      );
    return Number(result.lastInsertRowid);
  }

  get(id: number): EvalRunRow {
    const row = this.database.db.prepare("SELECT * FROM eval_runs WHERE id = ?").get(id) as
      | RawRun
      | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `evaluation run ${id} does not exist`, { runId: id });
    return toRow(row);
  }

  list(kind?: EvalRunKind): EvalRunRow[] {
    const rows = (kind
      ? this.database.db.prepare("SELECT * FROM eval_runs WHERE kind = ? ORDER BY id").all(kind)
      : this.database.db.prepare("SELECT * FROM eval_runs ORDER BY id").all()) as unknown as RawRun[];
    return rows.map(toRow);
  }

  /** Takes over a run (a resumed A/B generation): it is running again, owned by this process. */
  claim(id: number): void {
    this.database.db
      .prepare(
        "UPDATE eval_runs SET status = 'running', owner_pid = ?, owner_host = ?, error = NULL WHERE id = ?",
      )
      .run(process.pid, hostname(), id);
  }

  setSelectionHash(id: number, hash: string): void {
    this.database.db.prepare("UPDATE eval_runs SET selection_hash = ? WHERE id = ?").run(hash, id);
  }

  setSettings(id: number, settings: unknown): void {
    this.database.db
      .prepare("UPDATE eval_runs SET settings_json = ? WHERE id = ?")
      .run(JSON.stringify(settings), id);
  }

  finish(
    id: number,
    end: { status: Exclude<EvalRunStatus, "running">; result?: unknown; error?: string; durationMs: number },
  ): void {
    this.database.db
      .prepare(
        `UPDATE eval_runs SET status = ?, finished_at = ?, duration_ms = ?, result_json = coalesce(?, result_json),
           error = ?, owner_pid = NULL WHERE id = ?`,
      )
      .run(
        end.status,
        Date.now(),
        end.durationMs,
        end.result === undefined ? null : JSON.stringify(end.result),
        end.error ?? null,
        id,
      );
  }

  /** Marks runs left "running" by dead processes on this host (or by this process's earlier life) as interrupted. */
  markInterrupted(isRunningHere: (id: number) => boolean): number {
    const rows = this.database.db
      .prepare("SELECT id, owner_pid, owner_host FROM eval_runs WHERE status = 'running'")
      .all() as { id: number; owner_pid: number | null; owner_host: string | null }[];
    let marked = 0;
    for (const row of rows) {
      if (isRunningHere(row.id)) continue;
      const ownedHere = row.owner_pid === process.pid && row.owner_host === hostname();
      const alive = !ownedHere && row.owner_host === hostname() && pidAlive(row.owner_pid);
      if (alive) continue;
      this.database.db
        .prepare(
          "UPDATE eval_runs SET status = 'interrupted', owner_pid = NULL, error = ? WHERE id = ? AND status = 'running'",
        )
        .run("the process running it stopped before it finished", row.id);
      marked++;
    }
    return marked;
  }

  addAbPrompts(runId: number, prompts: readonly unknown[]): void {
    const insert = this.database.db.prepare(
      "INSERT INTO eval_ab_prompts (run_id, prompt_index, prompt_json) VALUES (?, ?, ?)",
    );
    for (const [index, prompt] of prompts.entries()) insert.run(runId, index, JSON.stringify(prompt));
  }

  abPrompts(runId: number): unknown[] {
    const rows = this.database.db
      .prepare("SELECT prompt_json FROM eval_ab_prompts WHERE run_id = ? ORDER BY prompt_index")
      .all(runId) as { prompt_json: string }[];
    return rows.map((r) => JSON.parse(r.prompt_json) as unknown);
  }

  addAbItems(runId: number, items: readonly AbItemRow[]): void {
    const insert = this.database.db.prepare(
      "INSERT INTO eval_ab_items (run_id, item, prompt_index, slot_a, slot_b) VALUES (?, ?, ?, ?, ?)",
    );
    for (const i of items) insert.run(runId, i.item, i.promptIndex, i.slotA, i.slotB);
  }

  abItems(runId: number): AbItemRow[] {
    const rows = this.database.db
      .prepare(
        "SELECT item, prompt_index, slot_a, slot_b, vote FROM eval_ab_items WHERE run_id = ? ORDER BY item",
      )
      .all(runId) as {
      item: number;
      prompt_index: number;
      slot_a: string;
      slot_b: string;
      vote: AbVote | null;
    }[];
    return rows.map((r) => ({
      item: r.item,
      promptIndex: r.prompt_index,
      slotA: r.slot_a,
      slotB: r.slot_b,
      vote: r.vote,
    }));
  }

  vote(runId: number, item: number, vote: AbVote): void {
    const result = this.database.db
      .prepare("UPDATE eval_ab_items SET vote = ?, voted_at = ? WHERE run_id = ? AND item = ?")
      .run(vote, Date.now(), runId, item);
    if (result.changes === 0)
      throw new MasqueError("NOT_FOUND", `item ${item} is not in A/B run ${runId}`, { runId, item });
  }

  addAbReply(runId: number, reply: AbReplyRow): void {
    this.database.db
      .prepare(
        "INSERT OR REPLACE INTO eval_ab_replies (run_id, prompt_index, contestant, text, tokens) VALUES (?, ?, ?, ?, ?)",
      )
      .run(runId, reply.promptIndex, reply.contestant, reply.text, reply.tokens);
  }

  abReplies(runId: number): AbReplyRow[] {
    const rows = this.database.db
      .prepare("SELECT prompt_index, contestant, text, tokens FROM eval_ab_replies WHERE run_id = ?")
      .all(runId) as { prompt_index: number; contestant: string; text: string; tokens: number }[];
    return rows.map((r) => ({
      promptIndex: r.prompt_index,
      contestant: r.contestant,
      text: r.text,
      tokens: r.tokens,
    }));
  }

  cachedHash(path: string, sizeBytes: number, mtimeMs: number): string | null {
    const row = this.database.db
      .prepare("SELECT sha256 FROM model_file_hashes WHERE path = ? AND size_bytes = ? AND mtime_ms = ?")
      .get(path, sizeBytes, mtimeMs) as { sha256: string } | undefined;
    return row?.sha256 ?? null;
  }

  saveHash(path: string, sizeBytes: number, mtimeMs: number, sha256: string): void {
    this.database.db
      .prepare(
        "INSERT OR REPLACE INTO model_file_hashes (path, size_bytes, mtime_ms, sha256) VALUES (?, ?, ?, ?)",
      )
      .run(path, sizeBytes, mtimeMs, sha256);
  }
}

function toRow(row: RawRun): EvalRunRow {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    label: row.label,
    ownerPid: row.owner_pid,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    selection: JSON.parse(row.selection_json) as unknown,
    selectionHash: row.selection_hash,
    settings: JSON.parse(row.settings_json) as unknown,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    error: row.error,
  };
}

function pidAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

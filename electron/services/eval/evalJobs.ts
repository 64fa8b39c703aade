/**
 * The workbench's running jobs: one at a time (they hold the model), each cancellable, each
 * reporting throttled `eval.progress` events with an ETA from its rate so far, and ending with
 * `eval.done` (status done or cancelled) or `eval.error`. The run row records the same ending.
 */
import type { EvalProgress, EvalRunKind } from "../../../shared/domain/eval";
import { MasqueError, toApiError } from "../../../shared/errors";
import type { EvalRunRepository } from "../../storage/evalRunRepository";
import type { EventBus } from "../eventBus";

export const PROGRESS_INTERVAL_MS = 250;

export interface JobContext {
  signal: AbortSignal;
  progress(phase: EvalProgress["phase"], done: number, total: number): void;
}

interface Job {
  controller: AbortController;
  done: Promise<void>;
}

export class EvalJobs {
  private readonly jobs = new Map<number, Job>();

  constructor(
    private readonly runs: EvalRunRepository,
    private readonly events: EventBus,
    private readonly log?: (line: string) => void,
  ) {}

  isRunning(runId: number): boolean {
    return this.jobs.has(runId);
  }

  busy(): boolean {
    return this.jobs.size > 0;
  }

  assertIdle(): void {
    if (this.busy())
      throw new MasqueError("BUSY", "Another evaluation is running; cancel it or wait for it to finish.");
  }

  /** Starts `work` on a later macrotask (after the call that started it has returned). */
  start(runId: number, kind: EvalRunKind, work: (job: JobContext) => Promise<{ result?: unknown }>): void {
    const controller = new AbortController();
    const started = Date.now();
    let last = 0;
    let lastPhase: EvalProgress["phase"] | null = null;
    let rateStart: { at: number; done: number } | null = null;
    const context: JobContext = {
      signal: controller.signal,
      progress: (phase, done, total) => {
        const now = Date.now();
        // The rate (for the ETA) is measured within a phase, from its first report.
        if (phase !== lastPhase || rateStart === null || done < rateStart.done) rateStart = { at: now, done };
        if (phase === lastPhase && now - last < PROGRESS_INTERVAL_MS && done < total) return;
        last = now;
        lastPhase = phase;
        const rate = (done - rateStart.done) / Math.max(1, now - rateStart.at);
        const etaMs = rate > 0 && done > rateStart.done ? Math.round((total - done) / rate) : null;
        this.events.emit("eval.progress", { runId, kind, phase, done, total, etaMs });
      },
    };
    const done = new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => work(context))
      .then(
        ({ result }) => {
          const status = controller.signal.aborted ? "cancelled" : "done";
          this.runs.finish(runId, { status, result, durationMs: Date.now() - started });
          this.events.emit("eval.done", { runId, kind, status });
        },
        (error: unknown) => {
          const apiError = toApiError(error);
          if (controller.signal.aborted || apiError.code === "ABORTED") {
            this.runs.finish(runId, {
              status: "cancelled",
              durationMs: Date.now() - started,
              error: "cancelled",
            });
            this.events.emit("eval.done", { runId, kind, status: "cancelled" });
            return;
          }
          if (apiError.code === "INTERNAL")
            this.log?.(`evaluation ${runId} failed: ${(error as Error).stack}`);
          this.runs.finish(runId, {
            status: "failed",
            durationMs: Date.now() - started,
            error: apiError.message,
          });
          this.events.emit("eval.error", { runId, kind, error: apiError });
        },
      )
      .catch((error: unknown) =>
        this.log?.(`evaluation ${runId}: could not record its end: ${String(error)}`),
      )
      .finally(() => this.jobs.delete(runId));
    this.jobs.set(runId, { controller, done });
  }

  cancel(runId: number): boolean {
    const job = this.jobs.get(runId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  /** Resolves when the run's job (if any) has ended. */
  async settled(runId: number): Promise<void> {
    await this.jobs.get(runId)?.done;
  }

  async cancelAll(): Promise<void> {
    const all = [...this.jobs.values()];
    for (const job of all) job.controller.abort();
    await Promise.all(all.map((j) => j.done));
  }
}

/**
 * The model workbench's state: which tab is open, the stored runs, the job in progress (from
 * `eval.*` events, with its ETA), the selected perplexity run, a comparison, the A/B item being
 * voted on and its report, and reply statistics. Its own small store: nothing else reads it.
 */
import type { RequestOf } from "../../../shared/api/contract";
import type {
  AbNext,
  AbReport,
  AbVote,
  EvalProgress,
  EvalRunDetail,
  EvalRunSummary,
  ReplyStatsReport,
  RunComparison,
} from "../../../shared/domain/eval";
import { type ApiError, toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { downloadBase64 } from "../ui/download";
import { createStore, useStore } from "./createStore";

export type WorkbenchTab = "perplexity" | "ab" | "stats";

export interface WorkbenchJob {
  runId: number;
  kind: "perplexity" | "ab";
  progress: EvalProgress | null;
}

export interface WorkbenchState {
  open: boolean;
  tab: WorkbenchTab;
  runs: EvalRunSummary[];
  job: WorkbenchJob | null;
  selectedRun: EvalRunDetail | null;
  comparison: RunComparison | null;
  abRunId: number | null;
  abNext: AbNext | null;
  abReport: AbReport | null;
  stats: ReplyStatsReport | null;
  error: ApiError | null;
}

export const workbenchStore = createStore<WorkbenchState>({
  open: false,
  tab: "perplexity",
  runs: [],
  job: null,
  selectedRun: null,
  comparison: null,
  abRunId: null,
  abNext: null,
  abReport: null,
  stats: null,
  error: null,
});

export function useWorkbench<T>(selector: (state: WorkbenchState) => T): T {
  return useStore(workbenchStore, selector);
}

async function guarded<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    workbenchStore.set({ error: null });
    return await work();
  } catch (caught) {
    workbenchStore.set({ error: toApiError(caught) });
    return null;
  }
}

export function openWorkbench(open = true): void {
  workbenchStore.set({ open });
}

export function setWorkbenchTab(tab: WorkbenchTab): void {
  workbenchStore.set({ tab, error: null });
}

export function dismissWorkbenchError(): void {
  workbenchStore.set({ error: null });
}

/**
 * Reloads the runs and squares the job with them: events are only followed while the workbench
 * is open, so a run that ended meanwhile clears the job, and one still running (started before a
 * reload, or from the CLI) becomes the job again.
 */
export async function loadRuns(): Promise<void> {
  const runs = await guarded(() => api.call("eval.runs", {}));
  if (!runs) return;
  const job = workbenchStore.get().job;
  const running = runs.filter((r) => r.status === "running");
  const current = job && running.some((r) => r.id === job.runId) ? job : null;
  const adopted = running.at(-1);
  workbenchStore.set({
    runs,
    job: current ?? (adopted ? { runId: adopted.id, kind: adopted.kind, progress: null } : null),
  });
}

/** Follows the running job's events; a finished perplexity run opens, a finished A/B run shows its first item. */
export function connectWorkbenchEvents(): () => void {
  const unsubscribes = [
    api.on("eval.progress", (progress) => {
      const job = workbenchStore.get().job;
      if (job && job.runId === progress.runId) workbenchStore.set({ job: { ...job, progress } });
    }),
    api.on("eval.done", ({ runId, kind, status }) => {
      const job = workbenchStore.get().job;
      if (job?.runId === runId) workbenchStore.set({ job: null });
      void loadRuns();
      if (status !== "done") return;
      if (kind === "perplexity") void selectRun(runId);
      else if (workbenchStore.get().abRunId === runId) void nextAbItem();
    }),
    api.on("eval.error", ({ runId, error }) => {
      const job = workbenchStore.get().job;
      if (job?.runId === runId) workbenchStore.set({ job: null, error });
      void loadRuns();
    }),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

export async function startPerplexity(input: RequestOf<"eval.perplexity">): Promise<void> {
  const started = await guarded(() => api.call("eval.perplexity", input));
  if (!started) return;
  workbenchStore.set({
    job: { runId: started.runId, kind: "perplexity", progress: null },
    selectedRun: null,
  });
  void loadRuns();
}

export async function cancelJob(): Promise<void> {
  const job = workbenchStore.get().job;
  if (job) await guarded(() => api.call("eval.cancel", { runId: job.runId }));
}

export async function selectRun(runId: number): Promise<void> {
  const run = await guarded(() => api.call("eval.run", { runId }));
  if (run) workbenchStore.set({ selectedRun: run, comparison: null });
}

export async function compareRuns(runIds: number[]): Promise<void> {
  const comparison = await guarded(() => api.call("eval.compare", { runIds }));
  if (comparison) workbenchStore.set({ comparison });
}

export async function exportRun(runId: number, format: "json" | "csv" | "markdown"): Promise<void> {
  const file = await guarded(() => api.call("eval.export", { runId, format }));
  if (file) downloadBase64(file.fileName, file.mimeType, file.dataBase64);
}

export async function startAb(input: RequestOf<"eval.abNew">): Promise<void> {
  const started = await guarded(() => api.call("eval.abNew", input));
  if (!started) return;
  workbenchStore.set({
    job: { runId: started.runId, kind: "ab", progress: null },
    abRunId: started.runId,
    abNext: null,
    abReport: null,
  });
  void loadRuns();
}

export async function openAbRun(runId: number): Promise<void> {
  workbenchStore.set({ abRunId: runId, abNext: null, abReport: null });
  await nextAbItem();
}

export async function nextAbItem(): Promise<void> {
  const runId = workbenchStore.get().abRunId;
  if (runId === null) return;
  const next = await guarded(() => api.call("eval.abNext", { runId }));
  if (!next) return;
  if ("done" in next) {
    const report = await guarded(() => api.call("eval.abReport", { runId }));
    workbenchStore.set({ abNext: null, abReport: report });
    void loadRuns();
  } else workbenchStore.set({ abNext: next, abReport: null });
}

export async function voteAb(vote: AbVote): Promise<void> {
  const { abRunId, abNext } = workbenchStore.get();
  if (abRunId === null || !abNext || "done" in abNext) return;
  // Clear the item first so a key held down cannot vote twice on it.
  workbenchStore.set({ abNext: null });
  const voted = await guarded(() => api.call("eval.abVote", { runId: abRunId, item: abNext.item, vote }));
  if (voted) await nextAbItem();
  else workbenchStore.set({ abNext });
}

export async function loadStats(input: RequestOf<"eval.stats">): Promise<void> {
  const stats = await guarded(() => api.call("eval.stats", input));
  if (stats) workbenchStore.set({ stats });
}

/** "about 1 min 20 s left" from an ETA in ms. */
export function formatEta(etaMs: number | null): string {
  if (etaMs === null) return "estimating time left…";
  const seconds = Math.max(1, Math.round(etaMs / 1000));
  if (seconds < 60) return `about ${seconds} s left`;
  return `about ${Math.floor(seconds / 60)} min ${seconds % 60} s left`;
}

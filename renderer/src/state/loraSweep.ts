/**
 * "Scales 0 / 0.5 / 1" in the workbench: one perplexity run per scale of one LoRA adapter on the
 * same selection, one after another (the workbench runs one job at a time), then their comparison
 * with the first scale as the baseline — what `masque eval perplexity --lora-scales` does.
 */
import type { RequestOf } from "../../../shared/api/contract";
import type { EvalRunStatus } from "../../../shared/domain/eval";
import { type ApiError, fromApiError, MasqueError, toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { compareRuns, workbenchStore } from "./workbenchActions";

export const SWEEP_SCALES = [0, 0.5, 1] as const;

export async function startScaleSweep(
  input: RequestOf<"eval.perplexity">,
  adapterPath: string,
  scales: readonly number[] = SWEEP_SCALES,
): Promise<void> {
  const runIds: number[] = [];
  try {
    workbenchStore.set({ error: null, comparison: null });
    for (const scale of scales) {
      const status = await runToEnd({ ...input, lora: [{ path: adapterPath, scale }] }, runIds);
      if (status !== "done") throw new MasqueError("ABORTED", `the run at scale ${scale} ended ${status}`);
    }
  } catch (caught) {
    workbenchStore.set({ error: toApiError(caught) });
    return;
  }
  await compareRuns(runIds);
}

/** Starts a run, shows it as the workbench's job, and resolves with how it ended. */
async function runToEnd(input: RequestOf<"eval.perplexity">, runIds: number[]): Promise<EvalRunStatus> {
  // Subscribed before the run starts: a short run may end before its id is known here.
  const ended = new Map<number, EvalRunStatus | ApiError>();
  let waiting: ((runId: number) => void) | null = null;
  const record = (runId: number, outcome: EvalRunStatus | ApiError) => {
    ended.set(runId, outcome);
    waiting?.(runId);
  };
  const stops = [
    api.on("eval.done", ({ runId, status }) => record(runId, status)),
    api.on("eval.error", ({ runId, error }) => record(runId, error)),
  ];
  try {
    const { runId } = await api.call("eval.perplexity", input);
    runIds.push(runId);
    workbenchStore.set({ job: { runId, kind: "perplexity", progress: null }, selectedRun: null });
    const outcome =
      ended.get(runId) ??
      (await new Promise<EvalRunStatus | ApiError>((resolve) => {
        waiting = (id) => {
          const value = ended.get(id);
          if (id === runId && value !== undefined) resolve(value);
        };
      }));
    if (typeof outcome !== "string") throw fromApiError(outcome);
    return outcome;
  } finally {
    for (const stop of stops) stop();
  }
}

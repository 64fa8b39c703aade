import { cancelJob, formatEta, useWorkbench } from "../../state/workbenchActions";

const PHASES = {
  loading: "Loading the model",
  scoring: "Scoring",
  generating: "Generating replies",
} as const;

/** The running evaluation: phase, a progress bar, the time left and a cancel button. */
export function JobProgress() {
  const job = useWorkbench((s) => s.job);
  if (!job) return null;
  const progress = job.progress;
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  return (
    <div className="workbench-job" data-testid="eval-progress">
      <div className="workbench-job-text">
        Run {job.runId}: {progress ? PHASES[progress.phase] : "Starting"}
        {progress && progress.phase !== "loading"
          ? ` ${progress.done.toLocaleString()} / ${progress.total.toLocaleString()}`
          : ""}
        {" · "}
        <span data-testid="eval-eta">{formatEta(progress?.etaMs ?? null)}</span>
      </div>
      <progress max={1} value={fraction} aria-label="Evaluation progress" />
      <button
        type="button"
        className="btn btn-small"
        data-testid="eval-cancel"
        onClick={() => void cancelJob()}
      >
        Cancel
      </button>
    </div>
  );
}

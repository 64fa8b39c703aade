import { useAppState } from "../../state/appStore";
import { cancelImport } from "../../state/importActions";
import { formatBytes } from "../../ui/formatBytes";
import { ImportReportDialog } from "./ImportReportDialog";
import "./import.css";

const number = new Intl.NumberFormat();

/** The running import (progress bar, lines read, Cancel) and, once it ends, its report. */
export function ImportStatus() {
  const job = useAppState((s) => s.importJob);
  if (!job) return null;
  if (job.phase === "finished") return <ImportReportDialog job={job} />;

  const progress = job.progress;
  const total = progress?.bytesTotal ?? 0;
  const done = progress ? Math.min(progress.bytesDone, total) : 0;
  const percent = total > 0 ? Math.round((done / total) * 100) : null;
  let detail = "Uploading…";
  if (job.phase === "importing") {
    detail = progress
      ? `${formatBytes(done)} of ${formatBytes(total)} · ${number.format(progress.linesDone)} lines`
      : "Starting…";
  }

  return (
    <section
      className="import-status"
      data-testid="import-progress"
      data-phase={job.phase}
      aria-label={`Importing ${job.fileName}`}
    >
      <div className="import-status-head">
        <span className="import-file" title={job.fileName}>
          {job.cancelling ? "Cancelling " : "Importing "}
          {job.fileName}
        </span>
        {percent !== null ? <span className="import-percent">{percent}%</span> : null}
      </div>
      {/* Without a value the bar is indeterminate (uploading, or no progress event yet). */}
      <progress
        className="import-bar"
        data-testid="import-progress-bar"
        max={total > 0 ? total : undefined}
        value={total > 0 ? done : undefined}
        aria-label="Import progress"
      />
      <div className="import-status-foot">
        <span className="import-detail">{detail}</span>
        <button
          type="button"
          className="btn btn-small"
          data-testid="import-cancel"
          disabled={job.cancelling}
          onClick={() => void cancelImport()}
        >
          Cancel
        </button>
      </div>
    </section>
  );
}

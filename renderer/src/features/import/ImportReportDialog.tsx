import type { ImportReport } from "../../../../shared/domain/library";
import type { ImportJob } from "../../state/appStore";
import { dismissImport } from "../../state/importActions";
import { selectCharacter } from "../../state/libraryActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import "./import.css";

const number = new Intl.NumberFormat();

function titleOf(job: ImportJob): string {
  if (job.error) return job.error.code === "ABORTED" ? "Import cancelled" : "Import failed";
  if (job.report?.cancelled) return "Import cancelled";
  return "Import finished";
}

function Stat({ label, value, testId }: Readonly<{ label: string; value: number; testId: string }>) {
  return (
    <div className="report-stat">
      <dt>{label}</dt>
      <dd data-testid={testId} data-value={value}>
        {number.format(value)}
      </dd>
    </div>
  );
}

function ReportBody({ report }: Readonly<{ report: ImportReport }>) {
  const more = report.refusedCount - report.refused.length;
  return (
    <>
      <p className="report-meta">
        <span data-testid="report-format">
          {report.format === "pippa" ? "PIPPA JSONL" : "Character card"}
        </span>{" "}
        · {report.fileName} · {(report.elapsedMs / 1000).toFixed(1)} s
        {report.cancelled ? " · stopped early: what was read before is kept" : ""}
      </p>
      <dl className="report-stats">
        <Stat label="Characters created" value={report.characters.created} testId="report-created" />
        <Stat label="Characters updated" value={report.characters.updated} testId="report-updated" />
        <Stat label="Sessions added" value={report.sessions.added} testId="report-sessions-added" />
        <Stat label="Sessions skipped" value={report.sessions.skipped} testId="report-sessions-skipped" />
        <Stat label="Refused" value={report.refusedCount} testId="report-refused-count" />
      </dl>
      {report.refused.length > 0 ? (
        <section className="report-section">
          <h3>Refused {report.format === "pippa" ? "lines" : "parts"}</h3>
          <ol className="report-list" data-testid="report-refused">
            {report.refused.map((refused, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one line may be refused for several reasons
              <li key={`${refused.line}-${index}`} data-testid="refused-line" data-line={refused.line}>
                <span className="report-line">{refused.line > 0 ? `Line ${refused.line}` : "File"}</span>{" "}
                {refused.reason}
              </li>
            ))}
          </ol>
          {more > 0 ? (
            <p className="field-hint">
              Showing the first {number.format(report.refused.length)}; {number.format(more)} more were
              refused.
            </p>
          ) : null}
        </section>
      ) : null}
      {report.warnings.length > 0 ? (
        <section className="report-section">
          <h3>Warnings</h3>
          <ul className="report-list" data-testid="report-warnings">
            {report.warnings.map((warning, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the same warning may repeat
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** What an import did: counts, refused lines with their numbers and reasons, warnings, or the error. */
export function ImportReportDialog({ job }: Readonly<{ job: ImportJob }>) {
  const report = job.report;
  const single = report?.characterIds.length === 1 ? report.characterIds[0] : undefined;
  return (
    <Dialog
      title={titleOf(job)}
      onClose={dismissImport}
      testId="import-report"
      closeTestId="import-report-close"
    >
      <div className="import-report">
        {job.error ? (
          <>
            <p className="report-meta">{job.fileName}</p>
            <ErrorBanner error={job.error} />
          </>
        ) : null}
        {report ? <ReportBody report={report} /> : null}
        <div className="form-actions">
          {single !== undefined ? (
            <button
              type="button"
              className="btn"
              data-testid="import-open-character"
              onClick={() => {
                dismissImport();
                void selectCharacter(single);
              }}
            >
              Open character
            </button>
          ) : null}
          <button
            type="button"
            className="btn btn-primary"
            data-testid="import-report-ok"
            onClick={dismissImport}
          >
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}

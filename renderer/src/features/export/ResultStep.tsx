import type { ExportResult } from "../../state/exportActions";
import { downloadBase64 } from "../../ui/download";
import { formatBytes } from "../../ui/formatBytes";

function Count({ id, label, value }: Readonly<{ id: string; label: string; value: number }>) {
  return (
    <div className="export-count" data-testid="export-result-count" data-key={id} data-value={value}>
      <dt>{label}</dt>
      <dd>{value.toLocaleString()}</dd>
    </div>
  );
}

/** Size of the file from its base64 length. */
function byteSize(dataBase64: string): number {
  const padding = dataBase64.endsWith("==") ? 2 : dataBase64.endsWith("=") ? 1 : 0;
  return Math.max(0, (dataBase64.length / 4) * 3 - padding);
}

/** Step 3: what was written, and the file as a download. */
export function ResultStep({
  result,
  onAgain,
  onClose,
}: Readonly<{ result: ExportResult; onAgain: () => void; onClose: () => void }>) {
  const r = result.redactions;
  return (
    <div className="form" data-testid="export-result" data-format={result.format}>
      <p>
        <strong>{result.fileName}</strong>{" "}
        <span className="muted">· {formatBytes(byteSize(result.dataBase64))}</span>
      </p>
      <dl className="export-counts">
        <Count id="chats" label="Chats" value={result.chats} />
        {result.messages === null ? null : <Count id="messages" label="Messages" value={result.messages} />}
        {result.records === null ? null : <Count id="records" label="Records" value={result.records} />}
        {r ? (
          <>
            <Count id="names" label="Names replaced" value={r.names} />
            <Count id="emails" label="E-mails" value={r.emails} />
            <Count id="phones" label="Phone numbers" value={r.phones} />
            <Count id="urls" label="URLs" value={r.urls} />
            <Count id="other" label="Other (handles, IPs, addresses)" value={r.other} />
            <Count id="flagged-accepted" label="Flagged spans redacted" value={result.flaggedAccepted} />
            <Count id="flagged-kept" label="Flagged spans kept" value={result.flaggedKept} />
          </>
        ) : null}
      </dl>
      {r ? null : <p className="export-note">Not redacted: this file holds the chat exactly as written.</p>}
      <div className="form-actions">
        <button type="button" className="btn" data-testid="export-again" onClick={onAgain}>
          Export something else
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="export-download"
          onClick={() => downloadBase64(result.fileName, result.mimeType, result.dataBase64)}
        >
          Download {result.fileName}
        </button>
      </div>
    </div>
  );
}

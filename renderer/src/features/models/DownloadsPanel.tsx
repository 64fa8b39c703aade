import { type FormEvent, useState } from "react";
import type { DownloadInfo } from "../../../../shared/domain/modelLibrary";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { cancelDownload, dismissDownload, startDownload, useModels } from "../../state/modelActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { formatBytes, formatEta } from "./format";

function DownloadRow({ download }: Readonly<{ download: DownloadInfo }>) {
  const percent =
    download.totalBytes > 0 ? Math.min(100, (download.downloadedBytes / download.totalBytes) * 100) : 0;
  const running = download.state === "running";
  const phase =
    download.phase === "verifying" ? "Verifying SHA-256" : download.phase === "resolving" ? "Resolving" : "";
  return (
    <li
      className={`download-row download-${download.state}`}
      data-testid="download-row"
      data-state={download.state}
    >
      <div className="download-head">
        <span className="download-name" title={download.uri}>
          {download.fileName ?? download.uri}
        </span>
        <span className="download-numbers">
          {download.totalBytes > 0
            ? `${formatBytes(download.downloadedBytes)} of ${formatBytes(download.totalBytes)}`
            : ""}
          {running && download.bytesPerSecond > 0 ? ` · ${formatBytes(download.bytesPerSecond)}/s` : ""}
          {running && download.etaSeconds !== null ? ` · ${formatEta(download.etaSeconds)}` : ""}
        </span>
      </div>
      <progress
        className="download-progress"
        data-testid="download-progress"
        max={100}
        value={percent}
        aria-label={`Download of ${download.fileName ?? download.uri}`}
      />
      <div className="download-foot">
        {download.state === "failed" ? (
          <span className="download-error">{download.error?.message ?? "Failed."}</span>
        ) : (
          <span className="muted">
            {running
              ? phase
              : (download.error?.message ?? "Paused: the partial file is kept, resume picks it up.")}
          </span>
        )}
        {running && download.downloadId ? (
          <button
            type="button"
            className="btn btn-small"
            data-testid="download-cancel"
            onClick={() => void cancelDownload(download.downloadId as string)}
          >
            Pause
          </button>
        ) : (
          <span className="download-actions">
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="download-resume"
              onClick={() => void startDownload(download.uri)}
            >
              {download.state === "failed" ? "Retry" : "Resume"}
            </button>
            <button
              type="button"
              className="btn btn-small"
              data-testid="download-discard"
              title="Forget this download and delete its partial file"
              onClick={() => void dismissDownload(download.uri, true)}
            >
              Discard
            </button>
          </span>
        )}
      </div>
    </li>
  );
}

/** Downloads in progress or paused, and a field to download any hf: URI or URL. */
export function DownloadsPanel({ showForm }: Readonly<{ showForm: boolean }>) {
  const downloads = useModels((s) => s.downloads);
  const [uri, setUri] = useState("");
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await startDownload(uri.trim());
      setUri("");
    } catch (caught) {
      setError(toApiError(caught));
    }
  }

  return (
    <section className="downloads" aria-label="Downloads">
      {showForm ? (
        <form className="model-add-row" onSubmit={(event) => void submit(event)}>
          <label className="field grow">
            <span className="field-label">Download a model</span>
            <input
              data-testid="download-uri-input"
              value={uri}
              onChange={(event) => setUri(event.target.value)}
              placeholder="hf:user/repo:Q4_K_M, hf:user/repo/file.gguf or https://…/model.gguf"
              spellCheck={false}
              autoComplete="off"
            />
          </label>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="download-start"
            disabled={uri.trim() === ""}
          >
            Download
          </button>
        </form>
      ) : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {downloads.length > 0 ? (
        <ul className="download-list" data-testid="download-list">
          {downloads.map((d) => (
            <DownloadRow key={d.uri} download={d} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

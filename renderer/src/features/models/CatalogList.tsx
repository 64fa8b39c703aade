import { useState } from "react";
import type { CatalogEntry } from "../../../../shared/domain/modelLibrary";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { startDownload, switchModel, useModels } from "../../state/modelActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { FitBadge } from "./FitBadge";
import { formatBytes, formatContext, formatParameters } from "./format";

function CatalogRow({ entry }: Readonly<{ entry: CatalogEntry }>) {
  const downloading = useModels((s) => s.downloads.some((d) => d.uri === entry.uri && d.state === "running"));
  const installed = useModels((s) => s.models.find((m) => m.id === entry.installedModelId) ?? null);
  const [error, setError] = useState<ApiError | null>(null);

  async function act() {
    setError(null);
    try {
      if (installed) await switchModel(installed);
      else await startDownload(entry.uri);
    } catch (caught) {
      setError(toApiError(caught));
    }
  }

  return (
    <li className="catalog-row" data-testid="catalog-row" data-catalog-id={entry.id}>
      <div className="model-row-main">
        <div className="model-row-title">
          <span className="model-name">{entry.name}</span>
          <FitBadge fit={entry.fit} />
        </div>
        <p className="model-facts-line">
          {[
            formatParameters(entry.parameters),
            entry.quantization,
            formatBytes(entry.sizeBytes),
            `${formatContext(entry.trainedContextSize)} ctx`,
            `template: ${entry.template}`,
            `licence: ${entry.license}`,
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
        <p className="muted">{entry.description}</p>
        {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      </div>
      <div className="model-row-actions">
        <button
          type="button"
          className={`btn btn-small${installed?.active ? "" : " btn-primary"}`}
          data-testid="catalog-download"
          disabled={downloading || installed?.active === true}
          title={entry.uri}
          onClick={() => void act()}
        >
          {downloading ? "Downloading…" : installed ? (installed.active ? "Active" : "Use") : "Download"}
        </button>
      </div>
    </li>
  );
}

/** The recommended models, each with whether it fits this machine (from the catalog's numbers). */
export function CatalogList() {
  const catalog = useModels((s) => s.catalog);
  if (catalog === null) return <p className="loading-hint">Reading the recommended list…</p>;
  return (
    <>
      <p className="muted catalog-intro">
        Role-play capable models, small to large. Q4_K_M files trade a little quality for half the size of
        Q8_0; the badge says whether each fits this machine's free memory.
      </p>
      <ul className="model-list" data-testid="catalog-list">
        {catalog.map((entry) => (
          <CatalogRow key={entry.id} entry={entry} />
        ))}
      </ul>
    </>
  );
}

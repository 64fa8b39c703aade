import { useState } from "react";
import type { ModelEntry } from "../../../../shared/domain/modelLibrary";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { removeModel, switchModel, useModels } from "../../state/modelActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { FitBadge } from "./FitBadge";
import { formatBytes, formatContext, formatParameters } from "./format";
import { ModelSettingsForm } from "./ModelSettingsForm";

function Facts({ model }: Readonly<{ model: ModelEntry }>) {
  const facts = [
    model.architecture,
    formatParameters(model.parameters),
    model.quantization,
    model.trainedContextSize ? `${formatContext(model.trainedContextSize)} ctx` : null,
    formatBytes(model.sizeBytes),
    model.template ? `template: ${model.template}` : "no chat template",
  ].filter((f): f is string => Boolean(f));
  return <p className="model-facts-line">{facts.join(" · ")}</p>;
}

function RemoveConfirm({ model, onDone }: Readonly<{ model: ModelEntry; onDone: () => void }>) {
  const ours = model.origin === "download";
  const [deleteFile, setDeleteFile] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function confirm() {
    try {
      await removeModel(model.id, deleteFile);
      onDone();
    } catch (caught) {
      setError(toApiError(caught));
    }
  }
  return (
    <div className="model-remove" data-testid="model-remove-confirm">
      <p>
        Remove <strong>{model.fileName}</strong> from the library?{" "}
        {ours ? null : <span className="muted">The file stays where it is: Masque did not download it.</span>}
      </p>
      <p className="model-path">{model.path}</p>
      {ours ? (
        <label className="checkbox">
          <input type="checkbox" checked={deleteFile} onChange={(e) => setDeleteFile(e.target.checked)} />
          Also delete the file ({formatBytes(model.sizeBytes)})
        </label>
      ) : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      <div className="form-actions">
        <button type="button" className="btn btn-small" onClick={onDone}>
          Keep it
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger"
          data-testid="model-remove-yes"
          onClick={() => void confirm()}
        >
          {deleteFile ? "Remove and delete" : "Remove"}
        </button>
      </div>
    </div>
  );
}

/** One model: what it is, whether it fits, and Use / Settings / Remove. */
export function ModelRow({ model }: Readonly<{ model: ModelEntry }>) {
  const switching = useModels((s) => s.switching);
  const [panel, setPanel] = useState<"none" | "settings" | "remove">("none");
  const [error, setError] = useState<ApiError | null>(null);
  const usable = !model.missing && model.problem === null;

  async function use() {
    setError(null);
    try {
      await switchModel(model);
    } catch (caught) {
      setError(toApiError(caught));
    }
  }

  return (
    <li
      className={`model-row${model.active ? " active" : ""}`}
      data-testid="model-row"
      data-model-id={model.id}
    >
      <div className="model-row-main">
        <div className="model-row-title">
          <span className="model-name" title={model.path}>
            {model.fileName}
          </span>
          {model.active ? <span className="tag tag-active">active</span> : null}
          {model.verified ? (
            <span className="tag" title={`SHA-256 ${model.sha256} matches the hub`}>
              verified
            </span>
          ) : null}
          {model.missing ? <span className="tag tag-danger">missing</span> : null}
          <FitBadge fit={model.fit} />
        </div>
        <Facts model={model} />
        <p className="model-source muted" title={model.path}>
          {model.origin === "download" ? `Downloaded from ${model.source}` : model.path}
        </p>
        {model.problem ? <p className="status-error-text">{model.problem}</p> : null}
        {model.contextNote && model.active ? <p className="model-note">{model.contextNote}</p> : null}
      </div>
      <div className="model-row-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="model-use"
          disabled={!usable || switching !== null}
          onClick={() => void use()}
        >
          {switching === model.id ? "Loading…" : model.active ? "Reload" : "Use"}
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="model-settings"
          disabled={!usable}
          onClick={() => setPanel(panel === "settings" ? "none" : "settings")}
        >
          Settings
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="model-remove"
          onClick={() => setPanel(panel === "remove" ? "none" : "remove")}
        >
          Remove
        </button>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {panel === "settings" ? <ModelSettingsForm model={model} onDone={() => setPanel("none")} /> : null}
      {panel === "remove" ? <RemoveConfirm model={model} onDone={() => setPanel("none")} /> : null}
    </li>
  );
}

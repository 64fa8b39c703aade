import { type FormEvent, useState } from "react";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { addModelPath, forgetFolder, refreshModels, useModels } from "../../state/modelActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { ModelRow } from "./ModelRow";

/** The models Masque knows, the folders it scans, and a field to add a file or a folder. */
export function InstalledModels() {
  const models = useModels((s) => s.models);
  const loaded = useModels((s) => s.modelsLoaded);
  const folders = useModels((s) => s.folders);
  const [path, setPath] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await addModelPath(path.trim());
      setPath("");
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="installed-models">
      <form className="model-add-row" onSubmit={(event) => void add(event)}>
        <label className="field grow">
          <span className="field-label">Add a GGUF file, or a folder to scan (any layout)</span>
          <input
            data-testid="model-add-input"
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder="/path/to/model.gguf or /path/to/models"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <button type="submit" className="btn" data-testid="model-add" disabled={busy || path.trim() === ""}>
          {busy ? "Reading…" : "Add"}
        </button>
        <button
          type="button"
          className="btn"
          title="Scan the folders again"
          onClick={() => void refreshModels(true)}
        >
          Rescan
        </button>
      </form>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {folders.length > 0 ? (
        <ul className="model-folders">
          {folders.map((folder) => (
            <li key={folder}>
              <span className="model-path">{folder}</span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Stop scanning ${folder}`}
                onClick={() => void forgetFolder(folder)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {!loaded ? (
        <p className="loading-hint">Reading the library…</p>
      ) : models.length === 0 ? (
        <p className="empty-hint">
          No models yet: download a recommended one, or add a file or folder above.
        </p>
      ) : (
        <ul className="model-list" data-testid="model-list">
          {models.map((m) => (
            <ModelRow key={m.id} model={m} />
          ))}
        </ul>
      )}
    </div>
  );
}

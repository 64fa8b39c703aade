import { useState } from "react";
import type { ModelStatus } from "../../../../shared/domain/model";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { saveGlobalAdapters } from "../../state/adapterActions";
import { appStore, useAppState } from "../../state/appStore";
import { loadModel } from "../../state/libraryActions";
import { openModelLibrary } from "../../state/modelActions";
import "../models/models.css";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { formatBytes } from "../../ui/formatBytes";
import { RemoteStatusDetails } from "../backends/RemoteStatus";
import { AdapterPanel } from "../lora/AdapterPanel";
import { ThreadCalibration } from "./ThreadCalibration";

const MODEL_ERROR_CODES = new Set(["MODEL_NOT_SET", "MODEL_INVALID", "MODEL_TOO_LARGE"]);

function sameError(error: ApiError, status: ModelStatus | null): boolean {
  return (
    status?.state === "error" && status.error?.code === error.code && status.error.message === error.message
  );
}

function StatusDetails({ status }: Readonly<{ status: ModelStatus | null }>) {
  if (!status) return <p className="muted">Checking the model…</p>;
  if (status.backend && status.state !== "error") return <RemoteStatusDetails status={status} />;
  switch (status.state) {
    case "none":
      return <p className="muted">No model loaded. Enter the path of a .gguf file and press Load.</p>;
    case "loading":
      return <p className="muted">Loading {status.path ?? "the model"}…</p>;
    case "error":
      return (
        <p className="status-error-text">
          {status.error ? <code className="error-code">{status.error.code}</code> : null}{" "}
          {status.error?.message ?? "The model could not be loaded."}
        </p>
      );
    case "loaded": {
      const info = status.info;
      return (
        <dl className="model-facts">
          <dt>File</dt>
          <dd title={info?.path ?? status.path ?? ""}>{info?.fileName ?? status.path}</dd>
          <dt>Architecture</dt>
          <dd>{info?.architecture ?? "unknown"}</dd>
          {info ? (
            <>
              <dt>Size</dt>
              <dd>{formatBytes(info.sizeBytes)}</dd>
              <dt>Trained context</dt>
              <dd>{info.trainContextSize.toLocaleString()} tokens</dd>
            </>
          ) : null}
          {status.contextSize !== null ? (
            <>
              <dt>Context</dt>
              <dd>{status.contextSize.toLocaleString()} tokens</dd>
            </>
          ) : null}
          {status.threads !== null ? (
            <>
              <dt>Threads</dt>
              <dd>{status.threads}</dd>
            </>
          ) : null}
        </dl>
      );
    }
  }
}

/** The LoRA adapters every chat without a set of its own uses. */
function GlobalAdapters() {
  const lora = useAppState((s) => s.settings?.loraAdapters);
  const [error, setError] = useState<ApiError | null>(null);
  if (!lora) return null;
  return (
    <div className="field">
      <span className="field-label">LoRA adapters (all chats without their own)</span>
      <AdapterPanel
        value={lora}
        onChange={(next) => {
          setError(null);
          saveGlobalAdapters(next).catch((caught: unknown) => setError(toApiError(caught)));
        }}
        testId="settings-adapters"
      />
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}

/** Model file path, Load, and the live model status. */
export function ModelSection({ initialPath }: Readonly<{ initialPath: string }>) {
  const status = useAppState((s) => s.modelStatus);
  const [path, setPath] = useState(initialPath);
  const [error, setError] = useState<ApiError | null>(null);
  const state = status?.state ?? "none";

  async function load() {
    setError(null);
    try {
      await loadModel(path.trim());
      // A chat error that only said "no usable model" is obsolete now.
      const chatError = appStore.get().chatError;
      if (chatError && MODEL_ERROR_CODES.has(chatError.code)) appStore.set({ chatError: null });
    } catch (caught) {
      setError(toApiError(caught));
    }
  }

  return (
    <section className="settings-section" aria-labelledby="model-heading">
      <div className="section-title-row">
        <h3 id="model-heading">Model</h3>
        <button
          type="button"
          className="btn btn-small"
          data-testid="settings-open-library"
          onClick={openModelLibrary}
        >
          Model library…
        </button>
      </div>
      <form
        className="model-path-row"
        onSubmit={(event) => {
          event.preventDefault();
          void load();
        }}
      >
        <label className="field grow">
          <span className="field-label">GGUF model file</span>
          <input
            data-testid="model-path-input"
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder="/path/to/model.gguf"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="model-load-button"
          disabled={state === "loading" || path.trim() === ""}
        >
          {state === "loading" ? "Loading…" : "Load"}
        </button>
      </form>
      <div className={`model-status status-${state}`} data-testid="model-status" aria-live="polite">
        <p className="model-status-line">
          <span className="status-dot" aria-hidden="true" />
          Model: <strong className="model-state">{state}</strong>
        </p>
        <StatusDetails status={status} />
      </div>
      <ThreadCalibration disabled={state !== "loaded"} />
      <GlobalAdapters />
      {/* A failed Load whose reason the status above already shows is not repeated. */}
      {error && !sameError(error, status) ? (
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
      ) : null}
    </section>
  );
}

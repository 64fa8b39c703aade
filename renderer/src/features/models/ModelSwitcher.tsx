import { useEffect, useRef } from "react";
import { useAppState } from "../../state/appStore";
import { openModelLibrary, refreshModels, switchModel, useModels } from "../../state/modelActions";
import { useDetailsDismiss } from "../../ui/useDetailsDismiss";
import { adaptersLabel } from "../lora/loraLabels";
import { FitBadge } from "./FitBadge";
import { modelLabel } from "./modelLabel";
import "./models.css";

/** The header's model pill as a menu: switch to any usable model in one click, or open the library. */
export function ModelSwitcher() {
  const status = useAppState((s) => s.modelStatus);
  const adapters = useAppState((s) => (s.chatView?.options.lora ?? s.settings?.loraAdapters ?? []).length);
  const models = useModels((s) => s.models);
  const switching = useModels((s) => s.switching);
  const ref = useRef<HTMLDetailsElement>(null);
  useDetailsDismiss(ref);
  const state = status?.state ?? "none";

  useEffect(() => {
    void refreshModels();
  }, []);

  const close = () => ref.current?.removeAttribute("open");
  const usable = models.filter((m) => !m.missing && m.problem === null);

  return (
    <details className="model-switcher" ref={ref}>
      <summary
        className={`status-pill status-${state}`}
        data-testid="model-status-pill"
        title={status?.error?.message ?? status?.backend?.url ?? status?.path ?? "Choose a model"}
      >
        <span className="status-dot" aria-hidden="true" />
        <span className="visually-hidden">Model: </span>
        {modelLabel(status)}
        {/* Adapters apply on the local engine only (a remote backend refuses them). */}
        {state === "loaded" && !status?.backend ? adaptersLabel(adapters) : ""}
      </summary>
      <div className="model-switcher-menu" role="menu" data-testid="model-switcher-menu">
        {usable.length === 0 ? <p className="muted">No models in the library yet.</p> : null}
        {usable.map((m) => (
          <button
            key={m.id}
            type="button"
            role="menuitem"
            className={`model-switcher-item${m.active ? " active" : ""}`}
            data-testid="model-switch"
            disabled={switching !== null}
            onClick={() => {
              close();
              void switchModel(m).catch(() => undefined);
            }}
          >
            <span className="model-name">{m.fileName}</span>
            <FitBadge fit={m.fit} />
          </button>
        ))}
        <button
          type="button"
          role="menuitem"
          className="model-switcher-item open-library"
          data-testid="open-model-library"
          onClick={() => {
            close();
            openModelLibrary();
          }}
        >
          Model library…
        </button>
      </div>
    </details>
  );
}

import type { ModelStatus } from "../../../../shared/domain/model";
import { useAppState } from "../../state/appStore";
import { remoteLabel } from "../backends/RemoteStatus";
import { adaptersLabel } from "../lora/loraLabels";

export function modelLabel(status: ModelStatus | null): string {
  if (!status) return "…";
  const remote = remoteLabel(status);
  if (remote) return remote;
  switch (status.state) {
    case "loaded":
      return status.info?.fileName ?? "model loaded";
    case "loading":
      return "loading model…";
    case "error":
      return "model error";
    case "none":
      return "no model";
  }
}

/** Header pill: the model state at a glance; opens the settings where the model is chosen. */
export function ModelStatusPill({ onClick }: Readonly<{ onClick: () => void }>) {
  const status = useAppState((s) => s.modelStatus);
  const adapters = useAppState((s) => (s.chatView?.options.lora ?? s.settings?.loraAdapters ?? []).length);
  const state = status?.state ?? "none";
  return (
    <button
      type="button"
      className={`status-pill status-${state}`}
      data-testid="model-status-pill"
      onClick={onClick}
      title={status?.error?.message ?? status?.backend?.url ?? status?.path ?? "Choose a model in Settings"}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className="visually-hidden">Model: </span>
      {modelLabel(status)}
      {/* Adapters apply on the local engine only (a remote backend refuses them). */}
      {state === "loaded" && !status?.backend ? adaptersLabel(adapters) : ""}
    </button>
  );
}

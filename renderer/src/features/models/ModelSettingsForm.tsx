import { type FormEvent, useEffect, useState } from "react";
import type { ModelEntry, PerModelSettings } from "../../../../shared/domain/modelLibrary";
import { type ApiError, MasqueError, toApiError } from "../../../../shared/errors";
import { useAppState } from "../../state/appStore";
import { loadTemplates } from "../../state/messageActions";
import { modelSettings, saveModelSettings } from "../../state/modelActions";
import { ErrorBanner } from "../../ui/ErrorBanner";

type Draft = {
  contextSize: string;
  gpuLayers: string;
  threads: string;
  templateId: string;
  samplerPreset: string;
};

const toDraft = (s: PerModelSettings): Draft => ({
  contextSize: s.contextSize?.toString() ?? "",
  gpuLayers: s.gpuLayers?.toString() ?? "",
  threads: s.threads?.toString() ?? "",
  templateId: s.templateId ?? "",
  samplerPreset: s.samplerPreset ?? "",
});

function numberOrNull(text: string, field: string): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  if (!Number.isInteger(n))
    throw new MasqueError("INVALID_INPUT", `settings.${field}: must be a whole number`);
  return n;
}

/** Settings that follow this model file (by its SHA-256): context, GPU layers, threads, template, preset. */
export function ModelSettingsForm({ model, onDone }: Readonly<{ model: ModelEntry; onDone: () => void }>) {
  const templates = useAppState((s) => s.templates);
  const presets = useAppState((s) => s.settings?.samplerPresets ?? []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadTemplates();
    modelSettings(model.id)
      .then((s) => setDraft(toDraft(s)))
      .catch((caught: unknown) => setError(toApiError(caught)));
  }, [model.id]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setBusy(true);
    try {
      await saveModelSettings(model.id, {
        contextSize: numberOrNull(draft.contextSize, "contextSize"),
        gpuLayers: numberOrNull(draft.gpuLayers, "gpuLayers"),
        threads: numberOrNull(draft.threads, "threads"),
        templateId: draft.templateId || null,
        samplerPreset: draft.samplerPreset || null,
      });
      onDone();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  if (!draft) {
    return error ? <ErrorBanner error={error} /> : <p className="muted">Reading this model's settings…</p>;
  }
  const set = (key: keyof Draft) => (value: string) => setDraft({ ...draft, [key]: value });
  const detected = model.template ? `detected: ${model.template}` : "the file has no chat template";
  return (
    <form className="model-settings" data-testid="model-settings-form" onSubmit={(event) => void save(event)}>
      <div className="field-grid">
        <label className="field">
          <span className="field-label">Context size</span>
          <input
            data-testid="model-setting-context"
            inputMode="numeric"
            value={draft.contextSize}
            placeholder={`default (trained: ${model.trainedContextSize ?? "?"})`}
            onChange={(e) => set("contextSize")(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">GPU layers</span>
          <input
            inputMode="numeric"
            value={draft.gpuLayers}
            placeholder="as many as fit"
            onChange={(e) => set("gpuLayers")(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Threads</span>
          <input
            inputMode="numeric"
            value={draft.threads}
            placeholder="measured on first load"
            onChange={(e) => set("threads")(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Template</span>
          <select
            data-testid="model-setting-template"
            value={draft.templateId}
            onChange={(e) => set("templateId")(e.target.value)}
          >
            <option value="">Use the chat setting ({detected})</option>
            {(templates ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Sampler preset</span>
          <select value={draft.samplerPreset} onChange={(e) => set("samplerPreset")(e.target.value)}>
            <option value="">None</option>
            {presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      <div className="form-actions">
        <button type="button" className="btn btn-small" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn-small btn-primary"
          data-testid="model-settings-save"
          disabled={busy}
        >
          {busy ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}

import { useState } from "react";
import type { Settings } from "../../../../shared/domain/settings";
import { type ApiError, fromApiError, toApiError } from "../../../../shared/errors";
import { useAppState } from "../../state/appStore";
import { applyPreset, deletePreset, savePreset } from "../../state/settingsActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { type Draft, samplerValues } from "./settingsForm";

/**
 * Sampler presets: pick one and apply it (its values fill the form and are saved), save the form's
 * sampler values under a name, or delete the selected preset.
 */
export function PresetBar({
  draft,
  onApplied,
}: Readonly<{ draft: Draft; onApplied: (settings: Settings) => void }>) {
  const presets = useAppState((s) => s.settings?.samplerPresets ?? null);
  const [selected, setSelected] = useState("");
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState("");

  async function run(action: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setStatus("");
    try {
      setStatus(await action());
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  const apply = () =>
    run(async () => {
      onApplied(await applyPreset(selected));
      return `Applied “${selected}”`;
    });

  const remove = () =>
    run(async () => {
      await deletePreset(selected);
      const gone = selected;
      setSelected("");
      return `Deleted “${gone}”`;
    });

  const save = () =>
    run(async () => {
      const parsed = samplerValues(draft);
      if ("error" in parsed) throw fromApiError(parsed.error);
      const trimmed = name.trim();
      await savePreset(trimmed, parsed.values);
      setSelected(trimmed);
      setNaming(false);
      setName("");
      return `Saved “${trimmed}”`;
    });

  return (
    <div className="preset-bar">
      <div className="preset-row">
        <label className="field grow">
          <span className="field-label">Preset</span>
          <select data-testid="preset-select" value={selected} onChange={(e) => setSelected(e.target.value)}>
            <option value="">{presets?.length ? "Choose a preset…" : "No presets saved yet"}</option>
            {(presets ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          data-testid="preset-apply"
          disabled={busy || selected === ""}
          onClick={() => void apply()}
        >
          Apply
        </button>
        <button
          type="button"
          className="btn"
          data-testid="preset-save"
          disabled={busy}
          onClick={() => setNaming(true)}
        >
          Save as…
        </button>
        <button
          type="button"
          className="btn btn-danger"
          data-testid="preset-delete"
          disabled={busy || selected === ""}
          onClick={() => void remove()}
        >
          Delete
        </button>
      </div>
      {naming ? (
        <div className="preset-row">
          <label className="field grow">
            <span className="field-label">Preset name (the sampling values below)</span>
            <input
              data-testid="preset-name-input"
              value={name}
              maxLength={60}
              autoComplete="off"
              // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to name a preset
              autoFocus
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  if (name.trim()) void save();
                }
              }}
            />
          </label>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="preset-save-confirm"
            disabled={busy || name.trim() === ""}
            onClick={() => void save()}
          >
            Save preset
          </button>
          <button type="button" className="btn" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </div>
      ) : null}
      <span className="save-status" role="status" data-testid="preset-status">
        {status}
      </span>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}

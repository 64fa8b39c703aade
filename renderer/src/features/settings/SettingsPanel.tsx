import { type FormEvent, useEffect, useState } from "react";
import type { Settings } from "../../../../shared/domain/settings";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { applyTheme } from "../../app/theme";
import { useAppState } from "../../state/appStore";
import { saveSettings } from "../../state/libraryActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { BackendsSection } from "../backends/BackendsSection";
import { ModelSection } from "./ModelSection";
import { NumberFields } from "./NumberFields";
import { PresetBar } from "./PresetBar";
import { PromptFields } from "./PromptFields";
import {
  changedOnly,
  type Draft,
  GENERATION_FIELDS,
  type NumberKey,
  SAMPLING_FIELDS,
  type TextKey,
  toDraft,
  toPatch,
  withSampler,
} from "./settingsForm";
import "./settings.css";

/** The settings drawer: model, generation and sampling, presets, persona and prompt, appearance. */
export function SettingsPanel({ onClose }: Readonly<{ onClose: () => void }>) {
  const settings = useAppState((s) => s.settings);
  const modelPath = useAppState((s) => s.settings?.modelPath || s.modelStatus?.path || "");
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [theme, setTheme] = useState<Settings["theme"]>(settings?.theme ?? "system");

  // Follow the stored settings (late start-up load, changes from another window) until the user edits.
  useEffect(() => {
    if (settings && !dirty) {
      setDraft(toDraft(settings));
      setTheme(settings.theme);
    }
  }, [settings, dirty]);

  const update = (key: NumberKey | TextKey, value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setDirty(true);
    setSaved(false);
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const parsed = toPatch(draft);
    if ("error" in parsed) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    try {
      setDraft(toDraft(await saveSettings(changedOnly(parsed.patch, settings))));
      setDirty(false);
      setSaved(true);
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  async function changeTheme(next: Settings["theme"]) {
    setTheme(next);
    applyTheme(next);
    try {
      await saveSettings({ theme: next });
    } catch (caught) {
      setError(toApiError(caught));
      const previous = settings?.theme ?? "system";
      setTheme(previous);
      applyTheme(previous);
    }
  }

  return (
    <Dialog
      title="Settings"
      onClose={onClose}
      variant="drawer"
      testId="settings-panel"
      closeTestId="close-settings"
    >
      <BackendsSection />
      <ModelSection initialPath={modelPath} />
      <form
        className="settings-section form"
        onSubmit={(event) => void save(event)}
        aria-labelledby="gen-heading"
      >
        <h3 id="gen-heading">Generation</h3>
        <NumberFields fields={GENERATION_FIELDS} draft={draft} onChange={update} />
        <h3>Sampling</h3>
        <PresetBar draft={draft} onApplied={(next) => setDraft((d) => withSampler(d, next))} />
        <NumberFields fields={SAMPLING_FIELDS} draft={draft} onChange={update} />
        <PromptFields draft={draft} onChange={update} />
        {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
        <div className="form-actions">
          <span className="save-status" role="status">
            {saved ? "Saved" : ""}
          </span>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="settings-save"
            disabled={busy || !settings}
          >
            {busy ? "Saving…" : "Save settings"}
          </button>
        </div>
      </form>
      <section className="settings-section" aria-labelledby="appearance-heading">
        <h3 id="appearance-heading">Appearance</h3>
        <label className="field">
          <span className="field-label">Theme</span>
          <select
            data-testid="theme-select"
            value={theme}
            onChange={(event) => void changeTheme(event.target.value as Settings["theme"])}
          >
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </section>
    </Dialog>
  );
}

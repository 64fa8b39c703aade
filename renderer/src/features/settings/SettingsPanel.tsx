import { type FormEvent, useEffect, useState } from "react";
import type { Settings, SettingsPatch } from "../../../../shared/domain/settings";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { applyTheme } from "../../app/theme";
import { useAppState } from "../../state/appStore";
import { saveSettings } from "../../state/libraryActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { ModelSection } from "./ModelSection";
import "./settings.css";

type NumberKey = "threads" | "contextSize" | "maxTokens" | "temperature";

const NUMBER_FIELDS: { key: NumberKey; label: string; hint: string; step: string }[] = [
  { key: "threads", label: "CPU threads", hint: "0 = choose automatically for this machine", step: "1" },
  {
    key: "contextSize",
    label: "Context size (tokens)",
    hint: "Applies the next time the model loads",
    step: "256",
  },
  { key: "maxTokens", label: "Max reply tokens", hint: "Longest reply the model may write", step: "1" },
  {
    key: "temperature",
    label: "Temperature",
    hint: "Higher is more creative, lower more focused",
    step: "0.05",
  },
];

type Draft = Record<NumberKey, string> & { userName: string };

function toDraft(settings: Settings | null): Draft {
  return {
    threads: String(settings?.threads ?? ""),
    contextSize: String(settings?.contextSize ?? ""),
    maxTokens: String(settings?.maxTokens ?? ""),
    temperature: String(settings?.temperature ?? ""),
    userName: settings?.userName ?? "",
  };
}

/** Turns the form into a patch; numbers that do not parse are reported like the core reports them. */
function toPatch(draft: Draft): { patch: SettingsPatch } | { error: ApiError } {
  const patch: SettingsPatch = { userName: draft.userName };
  for (const { key, label } of NUMBER_FIELDS) {
    const raw = draft[key].trim();
    const value = Number(raw);
    if (raw === "" || !Number.isFinite(value)) {
      return { error: { code: "INVALID_INPUT", message: `${key}: ${label} must be a number` } };
    }
    patch[key] = value;
  }
  return { patch };
}

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

  const update = (key: keyof Draft, value: string) => {
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
      setDraft(toDraft(await saveSettings(parsed.patch)));
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
      <ModelSection initialPath={modelPath} />
      <form
        className="settings-section form"
        onSubmit={(event) => void save(event)}
        aria-labelledby="gen-heading"
      >
        <h3 id="gen-heading">Generation</h3>
        <div className="field-grid">
          {NUMBER_FIELDS.map(({ key, label, hint, step }) => (
            <label key={key} className="field">
              <span className="field-label">{label}</span>
              <input
                type="number"
                inputMode="decimal"
                step={step}
                value={draft[key]}
                onChange={(event) => update(key, event.target.value)}
                data-testid={`settings-${key}`}
              />
              <span className="field-hint">{hint}</span>
            </label>
          ))}
        </div>
        <h3>You</h3>
        <label className="field">
          <span className="field-label">Your display name</span>
          <input
            data-testid="settings-user-name"
            value={draft.userName}
            onChange={(event) => update("userName", event.target.value)}
            autoComplete="off"
          />
          <span className="field-hint">Replaces {"{{user}}"} in cards and greetings</span>
        </label>
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

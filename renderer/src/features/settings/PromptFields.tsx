import { useEffect } from "react";
import { useAppState } from "../../state/appStore";
import { loadTemplates } from "../../state/messageActions";
import { EXAMPLES_MODES } from "../../ui/promptChoices";
import type { Draft, TextKey } from "./settingsForm";

/** Who the user is (name, persona) and how prompts are built by default (system prompt, template, examples). */
export function PromptFields({
  draft,
  onChange,
}: Readonly<{ draft: Draft; onChange: (key: TextKey, value: string) => void }>) {
  const templates = useAppState((s) => s.templates);

  useEffect(() => {
    void loadTemplates();
  }, []);

  const known = templates?.some((t) => t.id === draft.templateId) ?? false;

  return (
    <>
      <h3>You</h3>
      <label className="field">
        <span className="field-label">Your display name</span>
        <input
          data-testid="settings-user-name"
          value={draft.userName}
          onChange={(event) => onChange("userName", event.target.value)}
          autoComplete="off"
        />
        <span className="field-hint">Replaces {"{{user}}"} in cards and greetings</span>
      </label>
      <label className="field">
        <span className="field-label">Your persona</span>
        <textarea
          data-testid="settings-user-persona"
          value={draft.userPersona}
          onChange={(event) => onChange("userPersona", event.target.value)}
          rows={3}
          placeholder="Who you are in the story: sent to the model with the character's description"
        />
      </label>
      <h3>Prompt</h3>
      <label className="field">
        <span className="field-label">System prompt</span>
        <textarea
          data-testid="settings-system-prompt"
          value={draft.systemPrompt}
          onChange={(event) => onChange("systemPrompt", event.target.value)}
          rows={4}
          placeholder="Empty = the built-in system prompt"
        />
        <span className="field-hint">
          A card's own system prompt replaces it ({"{{original}}"} in it inserts this one). The classic
          Pygmalion template has no system part and leaves it out
        </span>
      </label>
      <div className="field-grid">
        <label className="field">
          <span className="field-label">Default template</span>
          <select
            data-testid="settings-template"
            value={draft.templateId}
            onChange={(event) => onChange("templateId", event.target.value)}
          >
            {known || draft.templateId === "" ? null : (
              <option value={draft.templateId}>{draft.templateId}</option>
            )}
            {(templates ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
          <span className="field-hint">Each chat can choose its own (chat settings in the header)</span>
        </label>
        <label className="field">
          <span className="field-label">Example dialogues</span>
          <select
            data-testid="settings-examples-mode"
            value={draft.examplesMode}
            onChange={(event) => onChange("examplesMode", event.target.value)}
          >
            {EXAMPLES_MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
          <span className="field-hint">What happens to the card's examples when the context fills up</span>
        </label>
      </div>
    </>
  );
}

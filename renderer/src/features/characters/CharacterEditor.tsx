import { type FormEvent, useRef, useState } from "react";
import type { CharacterRecord } from "../../../../shared/domain/card";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { updateCharacter } from "../../state/characterActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import "./characterEditor.css";
import { EditorTextField, GreetingsEditor } from "./EditorFields";
import {
  buildPatch,
  type EditorField,
  type EditorForm,
  type FieldErrors,
  fieldErrorsFrom,
  formFromRecord,
} from "./editorModel";

const SECTIONS: {
  field: Exclude<EditorField, "alternate_greetings">;
  label: string;
  hint?: string;
  rows: number;
  mono?: boolean;
}[] = [
  { field: "description", label: "Description", hint: "Sent to the model: who the character is.", rows: 8 },
  { field: "personality", label: "Personality", hint: "Sent to the model.", rows: 3 },
  { field: "scenario", label: "Scenario", hint: "Sent to the model.", rows: 3 },
  { field: "first_mes", label: "Greeting", hint: "The first message of every new chat.", rows: 5 },
];

const LATER: typeof SECTIONS = [
  {
    field: "mes_example",
    label: "Example dialogue",
    hint: "<START> blocks of {{user}}: / {{char}}: lines.",
    rows: 6,
  },
  {
    field: "system_prompt",
    label: "System prompt",
    hint: "Replaces the default system prompt when set.",
    rows: 3,
  },
  {
    field: "post_history_instructions",
    label: "Post-history instructions",
    hint: "Sent after the chat history.",
    rows: 3,
  },
  { field: "creator_notes", label: "Creator notes", hint: "For you only, never sent to the model.", rows: 4 },
  { field: "tags", label: "Tags", hint: "Comma separated.", rows: 1 },
  { field: "creator", label: "Creator", rows: 1 },
  { field: "character_version", label: "Version", rows: 1 },
  {
    field: "extensions",
    label: "Extensions (JSON)",
    hint: "A JSON object; replaced whole.",
    rows: 8,
    mono: true,
  },
  {
    field: "character_book",
    label: "Character book (JSON)",
    hint: "A JSON object, or empty for none.",
    rows: 8,
    mono: true,
  },
];

/**
 * Edits every field of a card. JSON fields are checked before saving (line and column of the error);
 * the core's errors appear next to their field, and nothing typed is lost when a save fails.
 */
export function CharacterEditor({
  record,
  onClose,
}: Readonly<{ record: CharacterRecord; onClose: () => void }>) {
  const [form, setForm] = useState<EditorForm>(() => formFromRecord(record));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends keyof EditorForm>(field: K, value: EditorForm[K]) => {
    setForm((current) => ({ ...current, [field]: value }));
    setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current));
  };

  const focusFirstError = (found: FieldErrors) => {
    const first = Object.keys(found)[0];
    if (first)
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus());
  };

  function requestClose() {
    const built = buildPatch(form, record);
    if (!built.ok || Object.keys(built.patch).length > 0) setConfirmDiscard(true);
    else onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setError(null);
    const built = buildPatch(form, record);
    if (!built.ok) {
      setErrors(built.errors);
      focusFirstError(built.errors);
      return;
    }
    if (Object.keys(built.patch).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    try {
      await updateCharacter(record.id, built.patch);
      onClose();
    } catch (caught) {
      const apiError = toApiError(caught);
      const found = fieldErrorsFrom(apiError);
      setErrors(found);
      setError(apiError);
      setBusy(false);
      focusFirstError(found);
    }
  }

  const renderField = (section: (typeof SECTIONS)[number]) => (
    <EditorTextField
      key={section.field}
      field={section.field}
      label={section.label}
      hint={section.hint}
      rows={section.rows}
      mono={section.mono}
      value={form[section.field]}
      error={errors[section.field]}
      onChange={(value) => set(section.field, value)}
    />
  );

  return (
    <Dialog
      title={`Edit ${record.data.name}`}
      onClose={requestClose}
      variant="wide"
      testId="character-editor"
    >
      <form ref={formRef} className="form editor-form" onSubmit={(event) => void submit(event)} noValidate>
        <EditorTextField
          field="name"
          label="Name"
          rows={1}
          value={form.name}
          error={errors.name}
          onChange={(value) => set("name", value)}
          required
        />
        {SECTIONS.map(renderField)}
        <GreetingsEditor
          greetings={form.alternate_greetings}
          error={errors.alternate_greetings}
          onChange={(value) => set("alternate_greetings", value)}
        />
        {LATER.map(renderField)}
        {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
        {confirmDiscard ? (
          <div className="discard-bar" role="alert" data-testid="editor-discard-bar">
            <span>Discard your unsaved changes?</span>
            <button type="button" className="btn btn-small" onClick={() => setConfirmDiscard(false)}>
              Keep editing
            </button>
            <button
              type="button"
              className="btn btn-small btn-danger"
              data-testid="editor-discard"
              onClick={onClose}
            >
              Discard
            </button>
          </div>
        ) : null}
        <div className="form-actions editor-actions">
          <button type="button" className="btn" data-testid="editor-cancel" onClick={requestClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="editor-save" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

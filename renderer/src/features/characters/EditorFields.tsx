import { useId } from "react";
import type { EditorField } from "./editorModel";

interface EditorTextFieldProps {
  field: EditorField;
  label: string;
  hint?: string | undefined;
  rows: number;
  mono?: boolean | undefined;
  value: string;
  error?: string | undefined;
  required?: boolean;
  onChange: (value: string) => void;
}

/** A labelled input (one row) or text area, with its hint and its error underneath. */
export function EditorTextField({
  field,
  label,
  hint,
  rows,
  mono,
  value,
  error,
  required,
  onChange,
}: Readonly<EditorTextFieldProps>) {
  const id = useId();
  const errorId = `${id}-error`;
  const common = {
    id,
    name: field,
    "data-testid": `editor-${field}`,
    value,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
    "aria-required": required ? true : undefined,
  } as const;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {rows === 1 ? (
        <input {...common} autoComplete="off" onChange={(event) => onChange(event.target.value)} />
      ) : (
        <textarea
          {...common}
          rows={rows}
          className={mono ? "mono" : undefined}
          spellCheck={mono ? false : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {hint ? <span className="field-hint">{hint}</span> : null}
      {error ? (
        <span className="field-error" id={errorId} data-testid={`editor-error-${field}`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Alternate greetings as a list of text areas: add, edit, remove. */
export function GreetingsEditor({
  greetings,
  error,
  onChange,
}: Readonly<{ greetings: string[]; error?: string | undefined; onChange: (value: string[]) => void }>) {
  return (
    <fieldset className="field greetings-editor" data-testid="editor-alternate_greetings">
      <legend className="field-label">Alternate greetings</legend>
      {greetings.length === 0 ? (
        <span className="field-hint">None. New chats start with the greeting above.</span>
      ) : null}
      {greetings.map((greeting, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: greetings have no identity but their position
        <div className="greeting-row" key={index}>
          <textarea
            name="alternate_greetings"
            data-testid="editor-greeting"
            aria-label={`Alternate greeting ${index + 1}`}
            rows={3}
            value={greeting}
            onChange={(event) => onChange(greetings.map((g, i) => (i === index ? event.target.value : g)))}
          />
          <button
            type="button"
            className="icon-button"
            data-testid="editor-remove-greeting"
            aria-label={`Remove alternate greeting ${index + 1}`}
            title="Remove"
            onClick={() => onChange(greetings.filter((_, i) => i !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <div>
        <button
          type="button"
          className="btn btn-small"
          data-testid="editor-add-greeting"
          onClick={() => onChange([...greetings, ""])}
        >
          + Add greeting
        </button>
      </div>
      {error ? (
        <span className="field-error" data-testid="editor-error-alternate_greetings">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

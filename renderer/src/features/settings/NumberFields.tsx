import type { Draft, NumberField, NumberKey } from "./settingsForm";

/** A grid of number inputs with their help text; test ids are `settings-<key>`. */
export function NumberFields({
  fields,
  draft,
  onChange,
}: Readonly<{
  fields: readonly NumberField[];
  draft: Draft;
  onChange: (key: NumberKey, value: string) => void;
}>) {
  return (
    <div className="field-grid">
      {fields.map(({ key, label, hint, step, min, max }) => (
        <label key={key} className="field">
          <span className="field-label">{label}</span>
          <input
            type="number"
            inputMode="decimal"
            step={step}
            min={min}
            max={max}
            value={draft[key]}
            onChange={(event) => onChange(key, event.target.value)}
            data-testid={`settings-${key}`}
          />
          <span className="field-hint">{hint}</span>
        </label>
      ))}
    </div>
  );
}

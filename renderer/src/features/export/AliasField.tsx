import { useId } from "react";

/** Splits "Ada, Countess Lovelace" into names; blanks and case-insensitive repeats dropped. */
export function parseAliases(text: string, known: readonly string[] = []): string[] {
  const seen = new Set(known.map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const name = raw.trim().slice(0, 200);
    if (name === "" || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

/**
 * Extra names to redact as chips: type and press Enter or a comma. Text still in the box when the
 * user reviews is added too (the dialog commits it), so nothing typed is lost.
 */
export function AliasField({
  userName,
  aliases,
  draft,
  onDraft,
  onChange,
}: Readonly<{
  userName: string;
  aliases: readonly string[];
  draft: string;
  onDraft: (text: string) => void;
  onChange: (aliases: string[]) => void;
}>) {
  const inputId = useId();
  const hintId = useId();

  function commit(text: string) {
    const added = parseAliases(text, [userName, ...aliases]);
    if (added.length > 0) onChange([...aliases, ...added].slice(0, 100));
    onDraft("");
  }

  return (
    <div className="field">
      <label className="field-label" htmlFor={inputId}>
        Other names you go by
      </label>
      <div className="export-chips" data-testid="export-alias-chips">
        <span
          className="export-chip export-chip-fixed"
          title="Your display name (Settings) is always redacted"
        >
          {userName} <span className="muted">· display name, always</span>
        </span>
        {aliases.map((alias) => (
          <span key={alias} className="export-chip" data-testid="export-alias-chip">
            {alias}
            <button
              type="button"
              className="export-chip-remove"
              aria-label={`Remove ${alias}`}
              onClick={() => onChange(aliases.filter((a) => a !== alias))}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <input
        id={inputId}
        type="text"
        value={draft}
        placeholder="Nicknames, your real name… separated by commas"
        aria-describedby={hintId}
        data-testid="export-aliases"
        onChange={(e) => {
          const value = e.currentTarget.value;
          if (value.includes(",")) {
            const cut = value.lastIndexOf(",");
            commit(value.slice(0, cut));
            onDraft(value.slice(cut + 1).trimStart());
          } else onDraft(value);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            commit(draft);
          } else if (e.key === "Backspace" && draft === "" && aliases.length > 0) {
            onChange(aliases.slice(0, -1));
          }
        }}
      />
      <p className="field-hint" id={hintId}>
        Every name and each part of it (first name, last name) becomes {"{{user}}"} in the export, in any
        case.
      </p>
    </div>
  );
}

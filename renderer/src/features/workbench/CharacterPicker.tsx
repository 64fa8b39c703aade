import { useAppState } from "../../state/appStore";

/** Checkboxes for the library's characters (their PIPPA reference sessions are what gets evaluated). */
export function CharacterPicker({
  selected,
  onChange,
}: Readonly<{ selected: number[]; onChange: (ids: number[]) => void }>) {
  const characters = useAppState((s) => s.characters);
  if (characters.length === 0)
    return <p className="field-hint">Import characters with PIPPA sessions first.</p>;
  return (
    <fieldset className="workbench-characters" data-testid="eval-characters">
      <legend className="field-label">Characters</legend>
      {characters.map((c) => (
        <label key={c.id} className="workbench-check">
          <input
            type="checkbox"
            checked={selected.includes(c.id)}
            data-testid={`eval-character-${c.id}`}
            onChange={(e) =>
              onChange(e.target.checked ? [...selected, c.id] : selected.filter((id) => id !== c.id))
            }
          />
          {c.name}
        </label>
      ))}
    </fieldset>
  );
}

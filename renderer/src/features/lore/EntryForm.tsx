/** The fields of one lorebook entry. */
import { type FormEvent, useState } from "react";
import type { SecondaryLogic } from "../../../../shared/domain/lore";
import { type EntryDraft, keysFrom, POSITIONS, positionFrom, positionValue } from "./entryModel";

export function EntryForm({
  initial,
  onSave,
  onCancel,
}: Readonly<{ initial: EntryDraft; onSave: (draft: EntryDraft) => void; onCancel: () => void }>) {
  const [draft, setDraft] = useState<EntryDraft>(initial);
  const [keys, setKeys] = useState(initial.keys.join(", "));
  const [secondary, setSecondary] = useState(initial.secondaryKeys.join(", "));
  const set = (change: Partial<EntryDraft>) => setDraft({ ...draft, ...change });

  function submit(event: FormEvent) {
    event.preventDefault();
    const secondaryKeys = keysFrom(secondary);
    const entry: EntryDraft = {
      uid: draft.uid,
      name: draft.name,
      keys: keysFrom(keys),
      secondaryKeys,
      selective: secondaryKeys.length > 0,
      logic: draft.logic,
      content: draft.content,
      enabled: draft.enabled,
      constant: draft.constant,
      insertionOrder: draft.insertionOrder,
      position: draft.position,
      probability: draft.probability,
    };
    if (entry.uid === undefined) delete entry.uid;
    onSave(entry);
  }

  return (
    <form className="form lore-entry-form" onSubmit={submit} data-testid="entry-form">
      <label className="field">
        <span className="field-label">Title</span>
        <input value={draft.name} data-testid="entry-name" onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label className="field">
        <span className="field-label">Keys (comma-separated; /regex/flags allowed)</span>
        <input value={keys} data-testid="entry-keys" onChange={(e) => setKeys(e.target.value)} />
      </label>
      <div className="lore-row">
        <label className="field grow">
          <span className="field-label">Secondary keys</span>
          <input value={secondary} onChange={(e) => setSecondary(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Logic</span>
          <select value={draft.logic} onChange={(e) => set({ logic: e.target.value as SecondaryLogic })}>
            <option value="and-any">AND ANY</option>
            <option value="and-all">AND ALL</option>
            <option value="not-any">NOT ANY</option>
            <option value="not-all">NOT ALL</option>
          </select>
        </label>
      </div>
      <label className="field">
        <span className="field-label">Content</span>
        <textarea
          rows={4}
          value={draft.content}
          data-testid="entry-content"
          onChange={(e) => set({ content: e.target.value })}
        />
      </label>
      <div className="lore-row">
        <label>
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />{" "}
          Enabled
        </label>
        <label>
          <input
            type="checkbox"
            checked={draft.constant}
            data-testid="entry-constant"
            onChange={(e) => set({ constant: e.target.checked })}
          />{" "}
          Constant
        </label>
        <label className="field">
          <span className="field-label">Position</span>
          <select
            value={positionValue(draft.position)}
            onChange={(e) => set({ position: positionFrom(e.target.value, draft.position) })}
          >
            {POSITIONS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        {draft.position.at === "depth" ? (
          <label className="field">
            <span className="field-label">Depth</span>
            <input
              type="number"
              min={0}
              value={draft.position.depth}
              onChange={(e) =>
                set({ position: { at: "depth", depth: Number(e.target.value), role: "system" } })
              }
            />
          </label>
        ) : null}
        <label className="field">
          <span className="field-label">Order</span>
          <input
            type="number"
            value={draft.insertionOrder}
            onChange={(e) => set({ insertionOrder: Number(e.target.value) })}
          />
        </label>
        <label className="field">
          <span className="field-label">Chance %</span>
          <input
            type="number"
            min={0}
            max={100}
            value={draft.probability}
            onChange={(e) => set({ probability: Number(e.target.value) })}
          />
        </label>
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" data-testid="entry-save">
          Save entry
        </button>
      </div>
    </form>
  );
}

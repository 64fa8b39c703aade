/** Personas: who the user is in the story. Create, edit, delete, and choose the default for new chats. */
import { type FormEvent, useState } from "react";
import type { Persona, PersonaPosition } from "../../../../shared/domain/persona";
import { api } from "../../bridge";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { attempt, useLoaded } from "./useCall";

interface Draft {
  id: number | null;
  name: string;
  description: string;
  position: PersonaPosition;
  depth: number;
}

const EMPTY: Draft = { id: null, name: "", description: "", position: "prefix", depth: 0 };

export function PersonaPanel() {
  const personas = useLoaded(() => api.call("personas.list", {}));
  const [draft, setDraft] = useState<Draft>(EMPTY);

  async function save(event: FormEvent) {
    event.preventDefault();
    const fields = {
      name: draft.name,
      description: draft.description,
      position: draft.position,
      depth: draft.depth,
    };
    const ok = await attempt(
      () =>
        draft.id === null
          ? api.call("personas.create", fields)
          : api.call("personas.update", { id: draft.id, ...fields }),
      personas.setError,
    );
    if (ok) {
      setDraft(EMPTY);
      await personas.reload();
    }
  }

  const act = async (action: () => Promise<unknown>) => {
    if (await attempt(action, personas.setError)) await personas.reload();
  };
  const edit = (p: Persona) =>
    setDraft({ id: p.id, name: p.name, description: p.description, position: p.position, depth: p.depth });

  return (
    <section className="lore-panel" data-testid="persona-panel">
      {personas.error ? (
        <ErrorBanner error={personas.error} onDismiss={() => personas.setError(null)} />
      ) : null}
      <ul className="lore-list">
        {(personas.value ?? []).map((p) => (
          <li key={p.id} data-testid={`persona-${p.id}`}>
            <span className="lore-list-name">
              {p.name}
              {p.isDefault ? <span className="lore-badge">default</span> : null}
            </span>
            <span className="lore-list-actions">
              <button type="button" className="btn btn-small" onClick={() => edit(p)}>
                Edit
              </button>
              <button
                type="button"
                className="btn btn-small"
                data-testid={`persona-default-${p.id}`}
                onClick={() => act(() => api.call("personas.setDefault", { id: p.isDefault ? null : p.id }))}
              >
                {p.isDefault ? "Unset default" : "Make default"}
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={() => act(() => api.call("personas.delete", { id: p.id }))}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
        {personas.value?.length === 0 ? <li className="muted">No personas yet.</li> : null}
      </ul>
      <form className="form" onSubmit={save} data-testid="persona-form">
        <h3>{draft.id === null ? "New persona" : `Edit ${draft.name}`}</h3>
        <label className="field">
          <span className="field-label">Name</span>
          <input
            value={draft.name}
            required
            maxLength={200}
            data-testid="persona-name"
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">Description (goes into the prompt)</span>
          <textarea
            rows={3}
            value={draft.description}
            data-testid="persona-description"
            onChange={(e) => setDraft({ ...draft, description: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">Place in the prompt</span>
          <select
            value={draft.position}
            onChange={(e) => setDraft({ ...draft, position: e.target.value as PersonaPosition })}
          >
            <option value="prefix">After the character definitions</option>
            <option value="depth">In the chat, at a depth</option>
          </select>
        </label>
        {draft.position === "depth" ? (
          <label className="field">
            <span className="field-label">Depth (messages from the end)</span>
            <input
              type="number"
              min={0}
              value={draft.depth}
              onChange={(e) => setDraft({ ...draft, depth: Number(e.target.value) })}
            />
          </label>
        ) : null}
        <div className="form-actions">
          {draft.id !== null ? (
            <button type="button" className="btn" onClick={() => setDraft(EMPTY)}>
              Cancel
            </button>
          ) : null}
          <button type="submit" className="btn btn-primary" data-testid="persona-save">
            {draft.id === null ? "Create persona" : "Save persona"}
          </button>
        </div>
      </form>
    </section>
  );
}

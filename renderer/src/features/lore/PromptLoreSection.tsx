/**
 * What the prompt inspector shows about lore: every entry that fired and why (which key, in which
 * message), where it went, what the budget dropped, what had no place, the note and the persona.
 */
import type { PromptLoreReport } from "../../../../shared/domain/promptLore";

export function PromptLoreSection({ lore }: Readonly<{ lore: PromptLoreReport }>) {
  const nothing =
    lore.fired.length + lore.dropped.length + lore.unplaced.length + lore.problems.length === 0 &&
    !lore.note &&
    !lore.persona;
  return (
    <div className="prompt-lore" data-testid="prompt-lore">
      {lore.persona ? <p data-testid="prompt-lore-persona">Persona: {lore.persona.name}</p> : null}
      {lore.note ? (
        <p data-testid="prompt-lore-note">
          Author's note at depth {lore.note.depth}, every {lore.note.every} turn
          {lore.note.every === 1 ? "" : "s"}
        </p>
      ) : null}
      {lore.fired.length > 0 ? (
        <>
          <p className="muted">
            Lore: {lore.used} of {lore.budget} tokens
          </p>
          <ul className="lore-list">
            {lore.fired.map((f) => (
              <li key={f.id} data-testid="prompt-lore-fired" data-entry-id={f.id}>
                <span className="lore-list-name">
                  {f.name} <span className="muted">({f.book})</span>
                </span>
                <span className="muted">
                  {f.why}; {f.placed ?? "not placed"}; {f.tokens} tokens
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {lore.dropped.map((d) => (
        <p key={d.id} className="muted" data-testid="prompt-lore-dropped">
          Dropped {d.id} ({d.tokens} tokens): {d.reason}
        </p>
      ))}
      {lore.unplaced.map((u) => (
        <p key={u.id} className="muted">
          Left out {u.id}: {u.reason}
        </p>
      ))}
      {lore.problems.map((p) => (
        <p key={p} className="muted">
          {p}
        </p>
      ))}
      {nothing ? <p className="muted">No lore, note or persona in this prompt.</p> : null}
    </div>
  );
}

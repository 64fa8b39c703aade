/** One lorebook: its entries (edit, add, delete), where it is attached, and export in either format. */
import { useState } from "react";
import type { LoreEntryView } from "../../../../shared/domain/lore";
import { api } from "../../bridge";
import { downloadBase64 } from "../../ui/download";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { EntryForm } from "./EntryForm";
import { type EntryDraft, NEW_ENTRY } from "./entryModel";
import { attempt, useLoaded } from "./useCall";

export function BookEditor({ id, onBack }: Readonly<{ id: number; onBack: () => void }>) {
  const book = useLoaded(() => api.call("lorebooks.get", { id }));
  const characters = useLoaded(() => api.call("characters.list", {}));
  const [editing, setEditing] = useState<EntryDraft | null>(null);
  const [target, setTarget] = useState<string>("");
  const onError = book.setError;

  const act = async (action: () => Promise<unknown>) => {
    if (await attempt(action, onError)) await book.reload();
  };
  const save = (draft: EntryDraft) =>
    act(async () => {
      const { position, ...rest } = draft;
      // A position Masque does not know is kept as it was imported.
      const entry = position.at === "unsupported" ? rest : { ...rest, position };
      await api.call("lorebooks.saveEntry", { lorebookId: id, entry });
      setEditing(null);
    });
  const exportAs = (format: "worldinfo" | "character_book") =>
    attempt(async () => {
      const file = await api.call("lorebooks.export", { id, format });
      downloadBase64(file.fileName, file.mimeType, file.dataBase64);
    }, onError);

  const value = book.value;
  const isGlobal = value?.attachments.some((a) => a.scope === "global") ?? false;
  const nameOf = (characterId: number | null) =>
    characters.value?.find((c) => c.id === characterId)?.name ?? `character ${characterId}`;

  return (
    <section className="lore-panel" data-testid="book-editor">
      <div className="lore-row">
        <button type="button" className="btn btn-small" onClick={onBack} data-testid="book-back">
          ← All lorebooks
        </button>
        <h3 className="lore-title">{value?.name ?? "…"}</h3>
        <button type="button" className="btn btn-small" onClick={() => exportAs("worldinfo")}>
          Export world info
        </button>
        <button type="button" className="btn btn-small" onClick={() => exportAs("character_book")}>
          Export card book
        </button>
      </div>
      {book.error ? <ErrorBanner error={book.error} onDismiss={() => book.setError(null)} /> : null}
      <div className="lore-row" data-testid="book-attachments">
        <label>
          <input
            type="checkbox"
            checked={isGlobal}
            data-testid="book-global"
            onChange={() =>
              act(() => api.call(isGlobal ? "lorebooks.detach" : "lorebooks.attach", { id, scope: "global" }))
            }
          />{" "}
          Active in every chat
        </label>
        {value?.attachments
          .filter((a) => a.scope !== "global")
          .map((a) => (
            <span key={`${a.scope}${a.targetId}`} className="lore-badge">
              {a.scope === "character" ? nameOf(a.targetId) : `chat ${a.targetId}`}
              <button
                type="button"
                className="icon-button"
                aria-label="Detach"
                onClick={() =>
                  act(() =>
                    api.call("lorebooks.detach", { id, scope: a.scope, targetId: a.targetId ?? undefined }),
                  )
                }
              >
                ×
              </button>
            </span>
          ))}
        <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="book-character">
          <option value="">Attach to a character…</option>
          {(characters.value ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-small"
          disabled={target === ""}
          data-testid="book-attach-character"
          onClick={() =>
            act(async () => {
              await api.call("lorebooks.attach", { id, scope: "character", targetId: Number(target) });
              setTarget("");
            })
          }
        >
          Attach
        </button>
      </div>
      <ul className="lore-list">
        {(value?.entries ?? []).map((e: LoreEntryView) => (
          <li key={e.uid} data-testid={`entry-${e.uid}`} className={e.enabled ? "" : "muted"}>
            <span className="lore-list-name">
              {e.name || e.keys.join(", ") || `entry ${e.uid}`}
              {e.constant ? <span className="lore-badge">constant</span> : null}
              {e.enabled ? null : <span className="lore-badge">off</span>}
              <span className="muted"> {e.keys.join(", ")}</span>
            </span>
            <span className="lore-list-actions">
              <button type="button" className="btn btn-small" onClick={() => setEditing(e)}>
                Edit
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={() => act(() => api.call("lorebooks.deleteEntry", { lorebookId: id, uid: e.uid }))}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      {editing ? (
        <EntryForm initial={editing} onSave={save} onCancel={() => setEditing(null)} />
      ) : (
        <button
          type="button"
          className="btn"
          data-testid="entry-add"
          onClick={() => setEditing({ ...NEW_ENTRY })}
        >
          Add entry
        </button>
      )}
    </section>
  );
}

/** Lorebooks: the list, import (world info, card books, cards), a new empty book, and the editor of one. */
import { type ChangeEvent, useState } from "react";
import { api, fileSource } from "../../bridge";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { BookEditor } from "./BookEditor";
import { attempt, useLoaded } from "./useCall";

export function LorebookPanel() {
  const books = useLoaded(() => api.call("lorebooks.list", {}));
  const [openId, setOpenId] = useState<number | null>(null);
  const [newName, setNewName] = useState("");
  const [notice, setNotice] = useState<string | null>(null);

  async function importBook(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    await attempt(async () => {
      const source = await fileSource(file);
      const imported = await api.call("lorebooks.import", { source, fileName: file.name });
      setNotice(
        `Imported “${imported.name}” (${imported.entries} entries)${imported.warnings.length ? `: ${imported.warnings.join("; ")}` : ""}`,
      );
      await books.reload();
      setOpenId(imported.id);
    }, books.setError);
  }

  async function create() {
    if (!newName.trim()) return;
    await attempt(async () => {
      const book = await api.call("lorebooks.create", { name: newName.trim() });
      setNewName("");
      await books.reload();
      setOpenId(book.id);
    }, books.setError);
  }

  if (openId !== null) {
    return (
      <BookEditor
        key={openId}
        id={openId}
        onBack={() => {
          setOpenId(null);
          void books.reload();
        }}
      />
    );
  }
  return (
    <section className="lore-panel" data-testid="lorebook-panel">
      {books.error ? <ErrorBanner error={books.error} onDismiss={() => books.setError(null)} /> : null}
      {notice ? <p className="lore-notice">{notice}</p> : null}
      <ul className="lore-list">
        {(books.value ?? []).map((b) => (
          <li key={b.id}>
            <span className="lore-list-name">
              {b.name} <span className="muted">({b.entries} entries)</span>
              {b.attachments.map((a) => (
                <span key={`${a.scope}${a.targetId}`} className="lore-badge">
                  {a.scope === "global" ? "global" : `${a.scope} ${a.targetId}`}
                </span>
              ))}
            </span>
            <span className="lore-list-actions">
              <button
                type="button"
                className="btn btn-small"
                data-testid={`open-lorebook-${b.id}`}
                onClick={() => setOpenId(b.id)}
              >
                Open
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={() =>
                  attempt(() => api.call("lorebooks.delete", { id: b.id }), books.setError).then(() =>
                    books.reload(),
                  )
                }
              >
                Delete
              </button>
            </span>
          </li>
        ))}
        {books.value?.length === 0 ? <li className="muted">No lorebooks yet.</li> : null}
      </ul>
      <div className="lore-row">
        <label className="btn">
          Import…
          <input
            type="file"
            accept=".json,.png,.charx,application/json,image/png"
            className="visually-hidden"
            data-testid="lorebook-import"
            onChange={importBook}
          />
        </label>
        <input
          placeholder="New lorebook name"
          value={newName}
          data-testid="lorebook-new-name"
          onChange={(e) => setNewName(e.target.value)}
        />
        <button type="button" className="btn" data-testid="lorebook-create" onClick={create}>
          Create
        </button>
      </div>
    </section>
  );
}

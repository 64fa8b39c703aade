import { type FormEvent, useState } from "react";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { createCharacter } from "../../state/libraryActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";

/** "New character": the few fields a card needs to start chatting; the core validates and stores it. */
export function CharacterForm({ onClose }: Readonly<{ onClose: () => void }>) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [greeting, setGreeting] = useState("");
  const [tags, setTags] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const tagList = tags
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    try {
      await createCharacter({
        name,
        ...(description.trim() ? { description } : {}),
        ...(greeting.trim() ? { greeting } : {}),
        ...(tagList.length > 0 ? { tags: tagList } : {}),
      });
      onClose();
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog title="New character" onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <label className="field">
          <span className="field-label">
            Name <span aria-hidden="true">*</span>
          </span>
          <input
            data-testid="character-name-input"
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={200}
            aria-required="true"
            autoComplete="off"
            autoFocus
          />
        </label>
        <label className="field">
          <span className="field-label">Description</span>
          <textarea
            data-testid="character-description-input"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            rows={5}
            placeholder="Who they are, how they look and speak. {{char}} and {{user}} work here."
          />
        </label>
        <label className="field">
          <span className="field-label">Greeting</span>
          <textarea
            data-testid="character-greeting-input"
            value={greeting}
            onChange={(event) => setGreeting(event.target.value)}
            rows={4}
            placeholder={'The first message of every new chat, e.g. *waves* "Hello, {{user}}!"'}
          />
        </label>
        <label className="field">
          <span className="field-label">Tags</span>
          <input
            value={tags}
            onChange={(event) => setTags(event.target.value)}
            placeholder="fantasy, mentor (comma separated)"
            autoComplete="off"
          />
        </label>
        {error ? <ErrorBanner error={error} /> : null}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="character-create-submit"
            disabled={busy}
          >
            {busy ? "Creating…" : "Create character"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

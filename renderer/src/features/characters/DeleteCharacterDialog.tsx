import { useState } from "react";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { deleteCharacter } from "../../state/characterActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";

/** "Delete Lily?": names the character and says what goes with it, since nothing can be undone. */
export function DeleteCharacterDialog({
  id,
  name,
  chatCount,
  onClose,
}: Readonly<{ id: number; name: string; chatCount: number | null; onClose: () => void }>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await deleteCharacter(id);
      onClose();
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  }

  const chats =
    chatCount === null || chatCount === 0
      ? "its chats"
      : `its ${chatCount} ${chatCount === 1 ? "chat" : "chats"}`;

  return (
    <Dialog title="Delete character" onClose={onClose} testId="delete-dialog">
      <div className="form">
        <p>
          Delete <strong>{name}</strong>? {chats[0]?.toUpperCase()}
          {chats.slice(1)} and its reference sessions will be deleted too. This cannot be undone.
        </p>
        {error ? <ErrorBanner error={error} /> : null}
        <div className="form-actions">
          <button type="button" className="btn" data-testid="cancel-delete" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-danger"
            data-testid="confirm-delete"
            disabled={busy}
            onClick={() => void confirm()}
          >
            {busy ? "Deleting…" : `Delete ${name}`}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

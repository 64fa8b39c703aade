import { useState } from "react";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { deleteMessage } from "../../state/messageActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";

/**
 * "Delete message?": a message with later messages offers to delete it alone (its replies move up
 * to its parent, nothing else is lost) or with everything after it, the destructive choice.
 */
export function DeleteMessageDialog({
  messageId,
  laterCount,
  onClose,
}: Readonly<{ messageId: number; laterCount: number; onClose: () => void }>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function confirm(withDescendants: boolean) {
    setBusy(true);
    setError(null);
    try {
      await deleteMessage(messageId, withDescendants);
      onClose();
    } catch (caught) {
      setError(toApiError(caught));
      setBusy(false);
    }
  }

  const later = `${laterCount} later ${laterCount === 1 ? "message" : "messages"}`;

  return (
    <Dialog title="Delete message" onClose={onClose} testId="delete-dialog-message">
      <div className="form">
        {laterCount > 0 ? (
          <p>
            This message has {later} on this path. Delete only this message (the next one then follows the
            message before it), or delete it and everything after it, including other swipes and branches
            below it. This cannot be undone.
          </p>
        ) : (
          <p>Delete this message? This cannot be undone.</p>
        )}
        {error ? <ErrorBanner error={error} /> : null}
        <div className="form-actions">
          <button type="button" className="btn" data-testid="delete-cancel" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={laterCount > 0 ? "btn" : "btn btn-danger"}
            data-testid="delete-only-this"
            disabled={busy}
            onClick={() => void confirm(false)}
          >
            {laterCount > 0 ? "Delete this message only" : "Delete"}
          </button>
          {laterCount > 0 ? (
            <button
              type="button"
              className="btn btn-danger"
              data-testid="delete-with-descendants"
              disabled={busy}
              onClick={() => void confirm(true)}
            >
              Delete it and everything after it
            </button>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}

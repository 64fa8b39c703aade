import { useEffect, useState } from "react";
import type { ReferenceSession } from "../../../../shared/domain/library";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { applyMacros } from "../../../../shared/prompt/macros";
import { useAppState } from "../../state/appStore";
import { getSession } from "../../state/sessionActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { formatDate } from "../../ui/formatTime";
import { MessageBubble } from "../chat/MessageBubble";
import "../chat/messages.css";
import "./sessions.css";

/** Messages rendered per page: sessions can run to thousands of messages. */
export const SESSION_PAGE = 200;

/** A read-only transcript, rendered like a chat ({{user}} and {{char}} filled in), 200 messages at a time. */
export function SessionViewer({
  sessionId,
  characterName,
  onClose,
}: Readonly<{ sessionId: number; characterName: string; onClose: () => void }>) {
  const userName = useAppState((s) => s.settings?.userName ?? "User");
  const [session, setSession] = useState<ReferenceSession | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [shown, setShown] = useState(SESSION_PAGE);

  useEffect(() => {
    let live = true;
    getSession(sessionId).then(
      (loaded) => {
        if (live) setSession(loaded);
      },
      (caught: unknown) => {
        if (live) setError(toApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [sessionId]);

  const names = { char: characterName, user: userName };
  const messages = session?.messages ?? [];
  const rest = messages.length - shown;

  return (
    <Dialog
      title={`Reference session with ${characterName}`}
      onClose={onClose}
      variant="wide"
      testId="session-viewer"
    >
      {error ? <ErrorBanner error={error} /> : null}
      {!session && !error ? <p className="loading-hint">Loading the session…</p> : null}
      {session ? (
        <>
          <p className="session-viewer-meta" data-testid="session-meta">
            {formatDate(session.submittedAt)} · {session.messageCount.toLocaleString()} messages · read-only,
            never sent to the model
          </p>
          <ol className="message-list session-messages" aria-label="Session messages">
            {messages.slice(0, shown).map((message, index) => (
              <MessageBubble
                // biome-ignore lint/suspicious/noArrayIndexKey: transcript messages are fixed and have no ids
                key={index}
                testId="session-message"
                author={message.isHuman ? "user" : "character"}
                status="complete"
                name={message.isHuman ? userName : characterName}
                text={applyMacros(message.text, names)}
              />
            ))}
          </ol>
          {rest > 0 ? (
            <div className="session-more">
              <button
                type="button"
                className="btn btn-small"
                data-testid="session-more"
                onClick={() => setShown(shown + SESSION_PAGE)}
              >
                Show {Math.min(SESSION_PAGE, rest)} more ({rest.toLocaleString()} left)
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </Dialog>
  );
}

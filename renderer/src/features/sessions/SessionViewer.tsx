import { useEffect, useRef, useState } from "react";
import type { ReferenceMessage, ReferenceSession } from "../../../../shared/domain/library";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { applyMacros } from "../../../../shared/prompt/macros";
import { useAppState } from "../../state/appStore";
import { getSession } from "../../state/sessionActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { formatDate } from "../../ui/formatTime";
import { estimateMessageHeight, placementOf, useMessageVirtualizer } from "../../ui/useMessageVirtualizer";
import { MessageBubble } from "../chat/MessageBubble";
import "../chat/messages.css";
import "./sessions.css";

/**
 * The messages of a transcript, virtualized: a session of thousands of messages is read whole but
 * only the ones on screen are in the DOM.
 */
function Transcript({
  messages,
  characterName,
  userName,
}: Readonly<{ messages: readonly ReferenceMessage[]; characterName: string; userName: string }>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useMessageVirtualizer({
    count: messages.length,
    scrollRef,
    getKey: (index) => index,
    estimateSize: (index) => estimateMessageHeight(messages[index]?.text ?? ""),
    paddingStart: 4,
    paddingEnd: 8,
  });
  const names = { char: characterName, user: userName };
  return (
    <div className="session-scroll" ref={scrollRef} data-testid="session-scroll">
      <ol
        className="message-list message-list-virtual session-messages"
        aria-label="Session messages"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const message = messages[item.index];
          if (!message) return null;
          return (
            <MessageBubble
              key={item.index}
              testId="session-message"
              author={message.isHuman ? "user" : "character"}
              status="complete"
              name={message.isHuman ? userName : characterName}
              text={applyMacros(message.text, names)}
              row={placementOf(virtualizer, item, 0, messages.length)}
            />
          );
        })}
      </ol>
    </div>
  );
}

/** A read-only transcript, rendered like a chat ({{user}} and {{char}} filled in). */
export function SessionViewer({
  sessionId,
  characterName,
  onClose,
}: Readonly<{ sessionId: number; characterName: string; onClose: () => void }>) {
  const userName = useAppState((s) => s.settings?.userName ?? "User");
  const [session, setSession] = useState<ReferenceSession | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

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
          <Transcript messages={session.messages} characterName={characterName} userName={userName} />
        </>
      ) : null}
    </Dialog>
  );
}

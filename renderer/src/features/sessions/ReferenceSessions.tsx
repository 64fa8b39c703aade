import { useEffect, useState } from "react";
import type { ReferenceSessionSummary } from "../../../../shared/domain/library";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { applyMacros } from "../../../../shared/prompt/macros";
import { useAppState } from "../../state/appStore";
import { listSessions } from "../../state/sessionActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { formatDate } from "../../ui/formatTime";
import { SessionViewer } from "./SessionViewer";
import "./sessions.css";

const PAGE = 50;
const number = new Intl.NumberFormat();

/** The PIPPA conversations imported with a character: date, length, first words; each opens read-only. */
export function ReferenceSessions({
  characterId,
  characterName,
  version,
}: Readonly<{ characterId: number; characterName: string; version: number }>) {
  const [loaded, setLoaded] = useState<{ id: number; sessions: ReferenceSessionSummary[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [openId, setOpenId] = useState<number | null>(null);
  const userName = useAppState((s) => s.settings?.userName ?? "User");

  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch when the character changes or is re-imported
  useEffect(() => {
    let live = true;
    setError(null);
    setShown(PAGE);
    listSessions(characterId).then(
      (sessions) => {
        if (live) setLoaded({ id: characterId, sessions });
      },
      (caught: unknown) => {
        if (live) setError(toApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [characterId, version]);

  const sessions = loaded?.id === characterId ? loaded.sessions : null;
  const totalMessages = sessions?.reduce((sum, s) => sum + s.messageCount, 0) ?? 0;

  return (
    <section
      className="reference-sessions"
      data-testid="reference-sessions"
      aria-labelledby="sessions-heading"
    >
      <h2 id="sessions-heading">
        Reference sessions
        {sessions && sessions.length > 0 ? (
          <span className="muted">
            {" "}
            · {number.format(sessions.length)} · {number.format(totalMessages)} messages
          </span>
        ) : null}
      </h2>
      <p className="field-hint">
        Conversations imported with this character (read-only). They are examples to read, not your chats.
      </p>
      {error ? <ErrorBanner error={error} /> : null}
      {!sessions && !error ? <p className="loading-hint">Loading sessions…</p> : null}
      {sessions?.length === 0 ? <p className="field-empty">No reference sessions.</p> : null}
      {sessions && sessions.length > 0 ? (
        <ul className="session-list">
          {sessions.slice(0, shown).map((session) => (
            <li key={session.id}>
              <button
                type="button"
                className="session-item"
                data-testid="reference-session"
                data-session-id={session.id}
                onClick={() => setOpenId(session.id)}
              >
                <span className="session-item-meta">
                  {formatDate(session.submittedAt)} · {number.format(session.messageCount)}{" "}
                  {session.messageCount === 1 ? "message" : "messages"}
                </span>
                <span className="session-item-preview">
                  {session.preview
                    ? applyMacros(session.preview, { char: characterName, user: userName })
                    : "(no human message)"}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {sessions && sessions.length > shown ? (
        <button
          type="button"
          className="btn btn-small"
          data-testid="sessions-more"
          onClick={() => setShown(shown + PAGE)}
        >
          Show {Math.min(PAGE, sessions.length - shown)} more of {number.format(sessions.length - shown)}
        </button>
      ) : null}
      {openId !== null ? (
        <SessionViewer sessionId={openId} characterName={characterName} onClose={() => setOpenId(null)} />
      ) : null}
    </section>
  );
}

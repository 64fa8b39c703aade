import { useMemo, useState } from "react";
import type { CharacterSource } from "../../../../shared/domain/card";
import type { ApiError } from "../../../../shared/errors";
import { renderRoleplay } from "../../markdown/renderRoleplay";
import { useAppState } from "../../state/appStore";
import { createChat } from "../../state/chatActions";
import { setLibraryQuery } from "../../state/libraryActions";
import { Avatar } from "../../ui/Avatar";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { formatDate } from "../../ui/formatTime";
import { CharacterExportButton } from "../export/ExportButtons";
import { ReferenceSessions } from "../sessions/ReferenceSessions";
import { CardFields } from "./CardFields";
import { CharacterEditor } from "./CharacterEditor";
import { DeleteCharacterDialog } from "./DeleteCharacterDialog";
import { ExportMenu } from "./ExportMenu";
import { useAvatarUrl } from "./useAvatarUrl";
import "./characterPage.css";

const SOURCE_LABEL: Record<CharacterSource, { label: string; title: string }> = {
  pippa: { label: "PIPPA", title: "Imported from the PIPPA dataset" },
  card: { label: "Card", title: "Imported from a character card file" },
  manual: { label: "Manual", title: "Created in Masque" },
};

/** Creator notes: the card author's words to the user. Shown first and plainly marked as never sent to the model. */
function CreatorNotes({ text }: Readonly<{ text: string }>) {
  const html = useMemo(() => renderRoleplay(text), [text]);
  if (text.trim() === "") return null;
  return (
    <aside className="creator-notes" data-testid="creator-notes" aria-labelledby="creator-notes-heading">
      <h2 id="creator-notes-heading">
        Creator notes <span className="creator-notes-badge">for you only · never sent to the model</span>
      </h2>
      <div
        className="creator-notes-text message-text"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: renderRoleplay escapes raw HTML and sanitizes with DOMPurify
        dangerouslySetInnerHTML={{ __html: html }}
      />
    </aside>
  );
}

/** The selected character's page: who they are (every card field), their reference sessions, and actions. */
export function CharacterPage() {
  const record = useAppState((s) =>
    s.selectedRecord?.id === s.selectedCharacterId ? s.selectedRecord : null,
  );
  const chatCount = useAppState((s) => (s.chatsLoaded ? s.chats.length : null));
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const avatar = useAvatarUrl(record?.id ?? 0, record?.hasAvatar ?? false, record?.updatedAt ?? 0);

  if (!record) {
    return (
      <div className="character-page" data-testid="character-page" aria-busy="true">
        <p className="loading-hint">Loading character…</p>
      </div>
    );
  }

  const { data } = record;
  const source = SOURCE_LABEL[record.source] ?? SOURCE_LABEL.manual;
  const tags = Array.isArray(data.tags) ? data.tags : [];
  const notes = typeof data.creator_notes === "string" ? data.creator_notes : "";

  return (
    <div className="character-page" data-testid="character-page" data-character-id={record.id}>
      <div className="character-page-inner">
        <header className="profile-hero">
          <Avatar name={data.name} size="lg" src={avatar} />
          <div className="profile-title">
            <h1 data-testid="character-page-name">{data.name}</h1>
            <div className="profile-badges">
              <span
                className={`source-badge source-${record.source}`}
                data-testid="source-badge"
                data-source={record.source}
                title={source.title}
              >
                {source.label}
              </span>
              {tags.map((tag) => (
                <button
                  key={tag}
                  type="button"
                  className="tag tag-button"
                  title={`Show characters tagged “${tag}”`}
                  onClick={() => setLibraryQuery({ tag })}
                >
                  {tag}
                </button>
              ))}
            </div>
            <p className="profile-meta">
              Added {formatDate(record.createdAt)} · updated {formatDate(record.updatedAt)} · {record.spec}{" "}
              {record.spec_version}
            </p>
          </div>
        </header>
        <div className="profile-actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="start-chat"
            onClick={() => void createChat(record.id)}
          >
            Start chat
          </button>
          <button type="button" className="btn" data-testid="edit-character" onClick={() => setEditing(true)}>
            Edit
          </button>
          <ExportMenu id={record.id} onError={setActionError} />
          {chatCount ? <CharacterExportButton characterId={record.id} /> : null}
          <button
            type="button"
            className="btn btn-danger profile-delete"
            data-testid="delete-character"
            onClick={() => setDeleting(true)}
          >
            Delete
          </button>
        </div>
        {actionError ? <ErrorBanner error={actionError} onDismiss={() => setActionError(null)} /> : null}
        <CreatorNotes text={notes} />
        <CardFields data={data} />
        <ReferenceSessions characterId={record.id} characterName={data.name} version={record.updatedAt} />
      </div>
      {editing ? <CharacterEditor record={record} onClose={() => setEditing(false)} /> : null}
      {deleting ? (
        <DeleteCharacterDialog
          id={record.id}
          name={data.name}
          chatCount={chatCount}
          onClose={() => setDeleting(false)}
        />
      ) : null}
    </div>
  );
}

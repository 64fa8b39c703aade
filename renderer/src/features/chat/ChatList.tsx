import { selectSelectedName, useAppState } from "../../state/appStore";
import { createChat, openChat } from "../../state/chatActions";
import { formatRelative } from "../../ui/formatTime";
import "./chat.css";

/** The selected character's chats, most recent first, with "New chat". */
export function ChatList() {
  const characterId = useAppState((s) => s.selectedCharacterId);
  const characterName = useAppState(selectSelectedName) ?? "this character";
  const chats = useAppState((s) => s.chats);
  const loaded = useAppState((s) => s.chatsLoaded);
  const activeChatId = useAppState((s) => s.activeChatId);

  if (characterId === null) return null;

  return (
    <section className="sidebar-section chats" aria-labelledby="chats-heading">
      <div className="section-header">
        <h2 id="chats-heading">Chats</h2>
        <button
          type="button"
          className="btn btn-small"
          data-testid="new-chat"
          onClick={() => void createChat(characterId)}
        >
          + New chat
        </button>
      </div>
      <ul className="chat-list" data-testid="chat-list" aria-label={`Chats with ${characterName}`}>
        {chats.map((chat) => (
          <li key={chat.id}>
            <button
              type="button"
              className="chat-item"
              data-testid="chat-item"
              aria-current={chat.id === activeChatId ? "true" : undefined}
              onClick={() => openChat(chat.id)}
            >
              <span className="chat-item-title">{chat.title || `Chat #${chat.id}`}</span>
              <span className="chat-item-meta">
                {chat.messageCount} {chat.messageCount === 1 ? "message" : "messages"} ·{" "}
                {formatRelative(chat.updatedAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {loaded && chats.length === 0 ? (
        <p className="empty-hint">No chats with {characterName} yet. Start one with “New chat”.</p>
      ) : null}
    </section>
  );
}

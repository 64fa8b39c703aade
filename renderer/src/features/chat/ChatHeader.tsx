import { useAppState } from "../../state/appStore";
import { Avatar } from "../../ui/Avatar";
import { ModelStatusPill } from "./ModelStatusPill";

function GearIcon() {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
    >
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </svg>
  );
}

/** Top bar of the main area: who you are talking to, the model pill and the settings button. */
export function ChatHeader({ onOpenSettings }: Readonly<{ onOpenSettings: () => void }>) {
  const character = useAppState((s) => s.characters.find((c) => c.id === s.selectedCharacterId));
  const chatTitle = useAppState((s) =>
    s.chatView?.chat.id === s.activeChatId ? s.chatView?.chat.title : undefined,
  );

  return (
    <header className="chat-header">
      <div className="chat-header-title">
        {character ? (
          <>
            <Avatar name={character.name} size="sm" />
            <div>
              <h1>{character.name}</h1>
              {chatTitle ? <p className="chat-header-sub">{chatTitle}</p> : null}
            </div>
          </>
        ) : (
          <h1>Masque</h1>
        )}
      </div>
      <div className="chat-header-actions">
        <ModelStatusPill onClick={onOpenSettings} />
        <button
          type="button"
          className="icon-button"
          data-testid="open-settings"
          aria-label="Settings"
          title="Settings"
          onClick={onOpenSettings}
        >
          <GearIcon />
        </button>
      </div>
    </header>
  );
}

import { selectSelectedName, useAppState } from "../../state/appStore";
import { showMainView } from "../../state/characterActions";
import { Avatar } from "../../ui/Avatar";
import { BackendSwitch } from "../backends/BackendSwitch";
import { ChatSetupButton } from "../lore/ChatSetupButton";
import { ModelSwitcher } from "../models/ModelSwitcher";
import { ChatOptionsMenu } from "./ChatOptionsMenu";
import { PromptInspectorButton } from "./PromptInspector";

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

/**
 * Top bar of the main area: who you are talking to, Chat/Profile tabs, the open chat's prompt
 * inspector and options, the model switcher and settings.
 */
export function ChatHeader({ onOpenSettings }: Readonly<{ onOpenSettings: () => void }>) {
  const characterName = useAppState(selectSelectedName);
  const mainView = useAppState((s) => s.mainView);
  const chatTitle = useAppState((s) =>
    s.chatView?.chat.id === s.activeChatId ? s.chatView?.chat.title : undefined,
  );
  const openChatId = useAppState((s) =>
    s.chatView !== null && s.chatView.chat.id === s.activeChatId ? s.activeChatId : null,
  );
  const chatTools = openChatId !== null && characterName !== null && mainView === "chat";

  return (
    <header className="chat-header">
      <div className="chat-header-title">
        {characterName !== null ? (
          <>
            <Avatar name={characterName} size="sm" />
            <div>
              <h1>
                <button
                  type="button"
                  className="header-name"
                  data-testid="header-character-name"
                  title="Show the character's page"
                  onClick={() => showMainView("profile")}
                >
                  {characterName}
                </button>
              </h1>
              {chatTitle && mainView === "chat" ? <p className="chat-header-sub">{chatTitle}</p> : null}
            </div>
            <div className="view-tabs" role="tablist" aria-label="Character views">
              {(["chat", "profile"] as const).map((view) => (
                <button
                  key={view}
                  type="button"
                  role="tab"
                  className="view-tab"
                  data-testid={`view-${view}`}
                  aria-selected={mainView === view}
                  onClick={() => showMainView(view)}
                >
                  {view === "chat" ? "Chat" : "Profile"}
                </button>
              ))}
            </div>
          </>
        ) : (
          <h1>Masque</h1>
        )}
      </div>
      <div className="chat-header-actions">
        {chatTools ? (
          <>
            <ChatSetupButton key={`setup-${openChatId}`} chatId={openChatId} />
            <PromptInspectorButton key={`inspector-${openChatId}`} chatId={openChatId} />
            <ChatOptionsMenu key={`options-${openChatId}`} chatId={openChatId} />
          </>
        ) : null}
        <BackendSwitch />
        <ModelSwitcher />
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

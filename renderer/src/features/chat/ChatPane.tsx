import type { ReactNode } from "react";
import { useAppState } from "../../state/appStore";
import { dismissChatError } from "../../state/chatActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { ChatHeader } from "./ChatHeader";
import { Composer } from "./Composer";
import { MessageList } from "./MessageList";
import "./chat.css";

function Welcome({ hasCharacters }: Readonly<{ hasCharacters: boolean }>) {
  return (
    <div className="welcome">
      <h2>Welcome to Masque</h2>
      <ol>
        <li>Load a local GGUF model from Settings (gear button, top right).</li>
        <li>
          {hasCharacters
            ? "Pick a character on the left, or create a new one."
            : "Create your first character with “New character” on the left."}
        </li>
        <li>Start a chat. Everything stays on this machine.</li>
      </ol>
    </div>
  );
}

/** The main area: header, then the welcome screen, the chat picker hint or the open chat. */
export function ChatPane({ onOpenSettings }: Readonly<{ onOpenSettings: () => void }>) {
  const hasCharacters = useAppState((s) => s.characters.length > 0);
  const characterName = useAppState(
    (s) => s.characters.find((c) => c.id === s.selectedCharacterId)?.name ?? null,
  );
  const activeChatId = useAppState((s) => s.activeChatId);
  const chatsLoaded = useAppState((s) => s.chatsLoaded);
  const chatError = useAppState((s) => s.chatError);

  let body: ReactNode;
  if (characterName === null) {
    body = <Welcome hasCharacters={hasCharacters} />;
  } else if (activeChatId === null) {
    body = (
      <div className="welcome">
        <p>
          {chatsLoaded
            ? `Start a new chat with ${characterName} from the sidebar (“New chat”).`
            : "Loading chats…"}
        </p>
      </div>
    );
  } else {
    body = (
      <>
        <MessageList />
        <div className="composer-area">
          {chatError ? <ErrorBanner error={chatError} onDismiss={dismissChatError} /> : null}
          <Composer chatId={activeChatId} characterName={characterName} />
        </div>
      </>
    );
  }

  return (
    <div className="chat-pane">
      <ChatHeader onOpenSettings={onOpenSettings} />
      {activeChatId === null && chatError ? (
        <ErrorBanner error={chatError} onDismiss={dismissChatError} />
      ) : null}
      {body}
    </div>
  );
}

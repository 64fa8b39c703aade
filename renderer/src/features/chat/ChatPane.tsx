import type { ReactNode } from "react";
import { selectSelectedName, useAppState } from "../../state/appStore";
import { dismissChatError } from "../../state/chatActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { CharacterPage } from "../characters/CharacterPage";
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
            : "Create your first character with “New” on the left, or import a PIPPA file or a character card."}
        </li>
        <li>Start a chat. Everything stays on this machine.</li>
      </ol>
    </div>
  );
}

/** The main area: header, then the welcome screen, the chat picker hint or the open chat. */
export function ChatPane({ onOpenSettings }: Readonly<{ onOpenSettings: () => void }>) {
  const hasCharacters = useAppState((s) => s.characters.length > 0);
  const characterName = useAppState(selectSelectedName);
  const mainView = useAppState((s) => s.mainView);
  const activeChatId = useAppState((s) => s.activeChatId);
  const chatsLoaded = useAppState((s) => s.chatsLoaded);
  const chatError = useAppState((s) => s.chatError);

  let body: ReactNode;
  if (characterName === null) {
    body = <Welcome hasCharacters={hasCharacters} />;
  } else if (mainView === "profile") {
    body = <CharacterPage />;
  } else if (activeChatId === null) {
    body = (
      <div className="welcome">
        <p>
          {chatsLoaded
            ? `Start a new chat with ${characterName} from the sidebar (“New chat”) or the Profile tab.`
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
      {(activeChatId === null || mainView === "profile") && chatError ? (
        <ErrorBanner error={chatError} onDismiss={dismissChatError} />
      ) : null}
      {body}
    </div>
  );
}

import { useState } from "react";
import { openChat } from "../../state/chatActions";
import { openWorkbench } from "../../state/workbenchActions";
import { SessionViewer } from "../sessions/SessionViewer";

/** Opens what a figure came from: a reference session in the viewer, or the chat itself. */
export function SourceLink({
  sessionId,
  chatId,
  characterName,
  label,
}: Readonly<{ sessionId: number | null; chatId: number | null; characterName: string; label: string }>) {
  const [viewing, setViewing] = useState(false);
  if (sessionId === null && chatId === null) return <span>{label}</span>;
  return (
    <>
      <button
        type="button"
        className="link-button"
        data-testid="eval-source-link"
        onClick={() => {
          if (sessionId !== null) setViewing(true);
          else if (chatId !== null) {
            openWorkbench(false);
            openChat(chatId);
          }
        }}
      >
        {label}
      </button>
      {viewing && sessionId !== null ? (
        <SessionViewer
          sessionId={sessionId}
          characterName={characterName}
          onClose={() => setViewing(false)}
        />
      ) : null}
    </>
  );
}

/** The chat header's "Persona & lore" button: the open chat's persona, note, lorebooks and characters. */
import { useState } from "react";
import { loadChat } from "../../state/chatActions";
import { Dialog } from "../../ui/Dialog";
import { ChatSetupPanel } from "./ChatSetupPanel";
import "./lore.css";

export function ChatSetupButton({ chatId }: Readonly<{ chatId: number }>) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        data-testid="open-chat-setup"
        title="This chat's persona, author's note, lorebooks and characters"
        onClick={() => setOpen(true)}
      >
        Persona & lore
      </button>
      {open ? (
        <Dialog
          title="This chat"
          variant="wide"
          testId="chat-setup-dialog"
          onClose={() => {
            setOpen(false);
            // Members may have changed: the chat shows its replies under their writers' names.
            void loadChat(chatId);
          }}
        >
          <ChatSetupPanel chatId={chatId} />
        </Dialog>
      ) : null}
    </>
  );
}

import { memo, useEffect, useState } from "react";
import type { Message } from "../../../../shared/domain/chat";
import { applyMacros } from "../../../../shared/prompt/macros";
import { type RowPlacement, sameRowProps } from "../../ui/useMessageVirtualizer";
import { DeleteMessageDialog } from "./DeleteMessageDialog";
import { MessageActions, SwipeControls } from "./MessageActions";
import { MessageBubble } from "./MessageBubble";
import { MessageEditor } from "./MessageEditor";
import { ProvenanceDialog } from "./ProvenanceDialog";
import "./roleplay.css";

interface ChatMessageProps {
  message: Message;
  characterName: string;
  userName: string;
  /** The last message of the active path. */
  isLast: boolean;
  /** Messages after this one on the active path (the delete dialog says what goes with it). */
  laterCount: number;
  /** A generation runs in this chat. */
  busy: boolean;
  /** Text being appended by a "continue", or null. */
  extension: string | null;
  /** Told when an inline edit opens and closes (the list then keeps the message mounted). */
  onPin?: (messageId: number, pinned: boolean) => void;
  /** Where the message sits in the virtualized list. */
  row?: RowPlacement;
}

type Mode = "view" | "edit" | "delete" | "info";

/** A message of the open chat: the bubble, its tools, swipe navigation, inline editing and dialogs. */
export const ChatMessage = memo(function ChatMessage({
  message,
  characterName,
  userName,
  isLast,
  laterCount,
  busy,
  extension,
  onPin,
  row,
}: Readonly<ChatMessageProps>) {
  const [mode, setMode] = useState<Mode>("view");
  const editing = mode === "edit";
  useEffect(() => {
    if (!editing) return;
    onPin?.(message.id, true);
    return () => onPin?.(message.id, false);
  }, [editing, message.id, onPin]);
  const streaming = extension !== null;
  const raw = streaming ? message.text + extension : message.text;
  const text = message.role === "character" ? applyMacros(raw, { char: characterName, user: userName }) : raw;
  const close = () => setMode("view");

  return (
    <MessageBubble
      author={message.role}
      status={streaming ? "streaming" : message.status}
      name={message.role === "user" ? userName : characterName}
      text={text}
      stopReason={streaming ? null : message.stopReason}
      stats={streaming ? null : message.stats}
      edited={message.editedAt !== null}
      messageId={message.id}
      row={row}
      toolbar={
        streaming || mode === "edit" ? null : (
          <MessageActions
            message={message}
            isLast={isLast}
            busy={busy}
            onEdit={() => setMode("edit")}
            onDelete={() => setMode("delete")}
            onInfo={() => setMode("info")}
          />
        )
      }
      editor={
        mode === "edit" ? (
          <MessageEditor messageId={message.id} initialText={message.text} busy={busy} onClose={close} />
        ) : undefined
      }
      footer={
        <>
          {message.siblingCount > 1 ? <SwipeControls message={message} isLast={isLast} busy={busy} /> : null}
          {mode === "delete" ? (
            <DeleteMessageDialog messageId={message.id} laterCount={laterCount} onClose={close} />
          ) : null}
          {mode === "info" ? <ProvenanceDialog message={message} onClose={close} /> : null}
        </>
      }
    />
  );
}, sameRowProps);

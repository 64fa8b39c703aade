import type { Message } from "../../../../shared/domain/chat";
import { branchFrom, continueReply, regenerate, swipe } from "../../state/messageActions";
import { Icon, type IconName } from "./icons";

interface ToolProps {
  icon: IconName;
  label: string;
  testId: string;
  onClick: () => void;
  disabled?: boolean;
}

function Tool({ icon, label, testId, onClick, disabled = false }: Readonly<ToolProps>) {
  return (
    <button
      type="button"
      className="message-tool"
      data-testid={testId}
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );
}

interface MessageActionsProps {
  message: Message;
  /** The last message of the active path (it can be continued). */
  isLast: boolean;
  /** A generation runs in this chat: only harmless tools stay enabled. */
  busy: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onInfo: () => void;
}

/** The tools of one message, shown when it is hovered or focused (always reachable with Tab). */
export function MessageActions({
  message,
  isLast,
  busy,
  onEdit,
  onDelete,
  onInfo,
}: Readonly<MessageActionsProps>) {
  const character = message.role === "character";
  return (
    <div
      className="message-actions"
      data-testid="message-actions"
      role="toolbar"
      aria-label="Message actions"
    >
      {character && message.parentId !== null ? (
        <Tool
          icon="regenerate"
          label="Regenerate (new swipe)"
          testId="action-regenerate"
          disabled={busy}
          onClick={() => void regenerate(message.chatId, message.id)}
        />
      ) : null}
      {character && isLast ? (
        <Tool
          icon="continue"
          label="Continue this reply"
          testId="action-continue"
          disabled={busy}
          onClick={() => void continueReply(message.chatId, message.id)}
        />
      ) : null}
      <Tool icon="edit" label="Edit" testId="action-edit" disabled={busy} onClick={onEdit} />
      <Tool
        icon="branch"
        label="Branch: a new chat up to here"
        testId="action-branch"
        onClick={() => void branchFrom(message.id)}
      />
      {character ? (
        <Tool icon="info" label="How this was generated" testId="action-info" onClick={onInfo} />
      ) : null}
      <Tool icon="delete" label="Delete" testId="action-delete" disabled={busy} onClick={onDelete} />
    </div>
  );
}

/** `‹ 2/3 ›` under a message with alternatives; past the last swipe of the last reply, a new one is generated. */
export function SwipeControls({
  message,
  isLast,
  busy,
}: Readonly<{ message: Message; isLast: boolean; busy: boolean }>) {
  const { siblingIndex, siblingCount } = message;
  const canGenerate = isLast && message.role === "character" && message.parentId !== null;
  const atEnd = siblingIndex + 1 >= siblingCount;
  return (
    <fieldset className="swipe-controls">
      <legend className="visually-hidden">Alternatives</legend>
      <button
        type="button"
        className="message-tool"
        data-testid="swipe-prev"
        aria-label="Previous alternative"
        title="Previous alternative"
        disabled={busy || siblingIndex === 0}
        onClick={() => void swipe(message, -1, isLast)}
      >
        <Icon name="prev" size={14} />
      </button>
      <span className="swipe-counter" data-testid="swipe-counter" aria-live="polite">
        {siblingIndex + 1}/{siblingCount}
      </span>
      <button
        type="button"
        className="message-tool"
        data-testid="swipe-next"
        aria-label={atEnd && canGenerate ? "Generate a new alternative" : "Next alternative"}
        title={atEnd && canGenerate ? "Generate a new alternative" : "Next alternative"}
        disabled={busy || (atEnd && !canGenerate)}
        onClick={() => void swipe(message, 1, isLast)}
      >
        <Icon name="next" size={14} />
      </button>
    </fieldset>
  );
}

import { memo, type ReactNode, useMemo } from "react";
import type { GenerationStats, MessageRole, StopReason } from "../../../../shared/domain/chat";
import { renderRoleplay, renderRoleplayCached } from "../../markdown/renderRoleplay";
import { Avatar } from "../../ui/Avatar";
import { type RowPlacement, sameRowProps } from "../../ui/useMessageVirtualizer";

export type BubbleStatus = "complete" | "stopped" | "streaming";

interface MessageBubbleProps {
  /** Who wrote it (the message's role; `role` itself is reserved for ARIA). */
  author: MessageRole;
  status: BubbleStatus;
  name: string;
  text: string;
  stopReason?: StopReason | null;
  stats?: GenerationStats | null;
  /** Defaults to "message" (the chat); read-only transcripts use their own. */
  testId?: string;
  /** The user changed the text after it was written. */
  edited?: boolean;
  /** The message's id, for tests and tools (chat messages only). */
  messageId?: number;
  /** Tools shown over the bubble (the chat's message actions). */
  toolbar?: ReactNode;
  /** Under the text (swipe navigation). */
  footer?: ReactNode;
  /** Replaces the text while the message is being edited. */
  editor?: ReactNode;
  /** Where the bubble sits in a virtualized list (absent in a plain one). */
  row?: RowPlacement;
}

function statsLine(stats: GenerationStats): string {
  return `${stats.generatedTokens} tokens · ${stats.tokensPerSecond.toFixed(1)} tok/s · first token ${Math.round(stats.ttftMs)} ms`;
}

function rowAttributes(row: RowPlacement) {
  return {
    ref: row.measure,
    "data-index": row.index,
    "aria-posinset": row.position,
    "aria-setsize": row.setSize,
    style: { transform: `translateY(${row.start}px)` },
  };
}

/** One message. Its text goes through the sanitizing Markdown renderer, the only HTML injection point. */
export const MessageBubble = memo(function MessageBubble({
  author,
  status,
  name,
  text,
  stopReason,
  stats,
  testId = "message",
  edited = false,
  messageId,
  toolbar,
  footer,
  editor,
  row,
}: Readonly<MessageBubbleProps>) {
  const streaming = status === "streaming";
  // Finished text is rendered once per distinct text (rows remount as they scroll back into view);
  // text still streaming changes with every delta and would only fill the cache.
  const html = useMemo(
    () => (streaming ? renderRoleplay(text) : renderRoleplayCached(text)),
    [text, streaming],
  );

  return (
    <li
      className={`message message-${author}`}
      data-testid={testId}
      data-role={author}
      data-status={status}
      data-message-id={messageId}
      {...(row ? rowAttributes(row) : {})}
    >
      <Avatar name={name} />
      <div className="message-body">
        {toolbar}
        <div className="message-meta">
          <span className="message-name" data-testid="message-name">
            {name}
          </span>
          {status === "stopped" ? (
            <span className="message-marker" title="The reply was stopped before it finished">
              stopped
            </span>
          ) : null}
          {stopReason === "max-tokens" ? (
            <span className="message-marker" title="The reply hit the max reply tokens setting">
              length limit
            </span>
          ) : null}
          {edited ? (
            <span className="message-marker" data-testid="message-edited" title="You edited this message">
              edited
            </span>
          ) : null}
          {stats ? <span className="message-stats">{statsLine(stats)}</span> : null}
        </div>
        {editor ?? (
          <div
            className="message-text"
            data-testid="message-text"
            aria-live={streaming ? "polite" : undefined}
            aria-busy={streaming && text === "" ? true : undefined}
            // biome-ignore lint/security/noDangerouslySetInnerHtml: renderRoleplay escapes raw HTML and sanitizes with DOMPurify
            dangerouslySetInnerHTML={{ __html: html }}
          />
        )}
        {streaming && text === "" ? (
          <span className="typing" role="status">
            <span className="visually-hidden">{name} is writing…</span>
            <span className="typing-dot" />
            <span className="typing-dot" />
            <span className="typing-dot" />
          </span>
        ) : null}
        {footer}
      </div>
    </li>
  );
}, sameRowProps);

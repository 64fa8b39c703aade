import { useLayoutEffect, useRef } from "react";
import { applyMacros } from "../../../../shared/prompt/macros";
import { selectActiveStream, useAppState } from "../../state/appStore";
import { MessageBubble } from "./MessageBubble";
import "./messages.css";

/** Pixels from the bottom within which the list keeps following new text. */
const STICKY_THRESHOLD = 80;

/** The active path of the chat, greeting first, then the reply being streamed (if any). */
export function MessageList() {
  const view = useAppState((s) => s.chatView);
  const stream = useAppState(selectActiveStream);
  const userName = useAppState((s) => s.settings?.userName ?? "You");
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  const chatId = view?.chat.id;
  const messageCount = view?.messages.length ?? 0;
  const streamText = stream?.text;

  // A newly opened chat starts at the bottom.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when the chat changes
  useLayoutEffect(() => {
    stickToBottom.current = true;
  }, [chatId]);

  // Follow new messages and streamed text while the reader is at the bottom.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run on new content, read through the ref
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [chatId, messageCount, streamText]);

  if (!view) {
    return (
      <div className="message-scroll">
        <p className="loading-hint">Loading chat…</p>
      </div>
    );
  }

  const characterName = view.chat.characterName;
  const names = { char: characterName, user: userName };

  return (
    <div
      className="message-scroll"
      ref={scrollRef}
      onScroll={(event) => {
        const el = event.currentTarget;
        stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_THRESHOLD;
      }}
    >
      <ol className="message-list" data-testid="message-list" aria-label={`Chat with ${characterName}`}>
        {view.messages.map((message) => (
          <MessageBubble
            key={message.id}
            author={message.role}
            status={message.status}
            name={message.role === "user" ? userName : characterName}
            text={message.role === "character" ? applyMacros(message.text, names) : message.text}
            stopReason={message.stopReason}
            stats={message.stats}
          />
        ))}
        {stream ? (
          <MessageBubble
            key={`stream-${stream.generationId}`}
            author="character"
            status="streaming"
            name={characterName}
            text={stream.text}
          />
        ) : null}
      </ol>
      {view.messages.length === 0 && !stream ? (
        <p className="empty-hint center">This chat is empty. Say something to {characterName}.</p>
      ) : null}
    </div>
  );
}

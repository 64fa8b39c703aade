import { useLayoutEffect, useRef } from "react";
import { selectActiveStream, useAppState } from "../../state/appStore";
import { planDisplay } from "../../state/chatPath";
import { ChatMessage } from "./ChatMessage";
import { MessageBubble } from "./MessageBubble";
import "./messages.css";

/** Pixels from the bottom within which the list keeps following new text. */
const STICKY_THRESHOLD = 80;

/**
 * The active path of the chat, greeting first, then the reply being streamed (if any). A swipe
 * streams in place of the message it replaces; a "continue" grows its message.
 */
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
  const plan = planDisplay(view.messages, stream);
  const pathLength = view.messages.length;
  const busy = stream !== undefined;

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
        {plan.messages.map((message, index) => (
          <ChatMessage
            key={message.id}
            message={message}
            characterName={characterName}
            userName={userName}
            isLast={index === pathLength - 1}
            laterCount={pathLength - 1 - index}
            busy={busy}
            extension={message.id === plan.extendId && stream ? stream.text : null}
          />
        ))}
        {stream && plan.bubble ? (
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

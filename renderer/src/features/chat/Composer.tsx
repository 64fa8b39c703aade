import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { selectActiveStream, useAppState } from "../../state/appStore";
import { abortGeneration, sendMessage } from "../../state/chatActions";
import "./messages.css";

/** The message box: Enter sends, Shift+Enter adds a line; Stop replaces Send while a reply streams. */
export function Composer({ chatId, characterName }: Readonly<{ chatId: number; characterName: string }>) {
  const [text, setText] = useState("");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const sending = useAppState((s) => s.sending);
  const stream = useAppState(selectActiveStream);
  const generating = stream !== undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus the box whenever another chat opens
  useEffect(() => {
    inputRef.current?.focus();
  }, [chatId]);

  async function submit() {
    if (text === "" || sending || generating) return;
    const sent = text;
    const ok = await sendMessage(chatId, sent);
    // Keep the text when the core refused it, so nothing typed is lost.
    if (ok) setText((current) => (current === sent ? "" : current));
    inputRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="composer-box">
        <label htmlFor="message-input" className="visually-hidden">
          Message to {characterName}
        </label>
        <textarea
          id="message-input"
          ref={inputRef}
          data-testid="message-input"
          className="composer-input"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={`Message ${characterName}…`}
          rows={1}
        />
        {generating ? (
          <button
            type="button"
            className="btn btn-danger composer-button"
            data-testid="stop-button"
            onClick={() => {
              void abortGeneration(stream.generationId);
              inputRef.current?.focus();
            }}
          >
            Stop
          </button>
        ) : (
          <button
            type="submit"
            className="btn btn-primary composer-button"
            data-testid="send-button"
            disabled={sending || text === ""}
          >
            {sending ? "Sending…" : "Send"}
          </button>
        )}
      </div>
      <p className="composer-hint">Enter to send · Shift+Enter for a new line · *asterisks* for actions</p>
    </form>
  );
}

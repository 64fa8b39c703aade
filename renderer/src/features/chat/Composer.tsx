import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { appStore, selectActiveStream, useAppState } from "../../state/appStore";
import { abortGeneration, sendMessage } from "../../state/chatActions";
import { joinDraft, regenerateTarget } from "../../state/chatPath";
import { clearComposerDraft, impersonate, regenerateLast, swipe } from "../../state/messageActions";
import { Icon } from "./icons";
import "./messages.css";
import "./roleplay.css";

/** Swipes the chat's last message with ← / → (the box must be empty, as in SillyTavern). */
function swipeLast(direction: -1 | 1): boolean {
  const messages = appStore.get().chatView?.messages ?? [];
  const last = messages.at(-1);
  if (last?.role !== "character") return false;
  const canGenerate = last.parentId !== null;
  if (direction === -1 && last.siblingIndex === 0) return false;
  if (direction === 1 && last.siblingIndex + 1 >= last.siblingCount && !canGenerate) return false;
  void swipe(last, direction, true);
  return true;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line; Stop replaces Send while anything
 * generates. Impersonate streams a draft into the box; Ctrl+R regenerates the last reply.
 */
export function Composer({ chatId, characterName }: Readonly<{ chatId: number; characterName: string }>) {
  const [text, setText] = useState("");
  /** Group chats: who answers the next message ("" lets the chat choose). */
  const [answerer, setAnswerer] = useState("");
  const members = useAppState((s) =>
    s.chatView?.chat.id === chatId && s.chatView.group ? s.chatView.members : null,
  );
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const sending = useAppState((s) => s.sending);
  const stream = useAppState(selectActiveStream);
  const draft = useAppState((s) => s.composerDraft);
  const canRegenerate = useAppState((s) =>
    s.chatView?.chat.id === chatId ? regenerateTarget(s.chatView.messages) !== null : false,
  );
  const generating = stream !== undefined;
  const drafting = stream?.kind === "impersonate";

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus the box whenever another chat opens
  useEffect(() => {
    inputRef.current?.focus();
  }, [chatId]);

  // An impersonation ended: its text joins whatever was typed, for the user to edit and send.
  useEffect(() => {
    if (!draft || draft.chatId !== chatId) return;
    setText((current) => joinDraft(current, draft.text));
    clearComposerDraft();
    inputRef.current?.focus();
  }, [draft, chatId]);

  // Ctrl+R regenerates the last reply from anywhere in the chat (not inside a dialog or an edit).
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
      if (event.key.toLowerCase() !== "r" || document.querySelector("dialog[open]")) return;
      // Not while a message is being edited: that text is not saved yet.
      if (event.target instanceof Element && event.target.closest(".message-editor")) return;
      event.preventDefault();
      if (selectActiveStream(appStore.get()) === undefined) void regenerateLast(chatId);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [chatId]);

  async function submit() {
    if (text === "" || sending || generating) return;
    const sent = text;
    const ok = await sendMessage(chatId, sent, answerer === "" ? undefined : Number(answerer));
    // Keep the text when the core refused it, so nothing typed is lost.
    if (ok) setText((current) => (current === sent ? "" : current));
    inputRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
      return;
    }
    const arrow = event.key === "ArrowLeft" ? -1 : event.key === "ArrowRight" ? 1 : 0;
    const plain = !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (arrow !== 0 && plain && text === "" && !generating && swipeLast(arrow)) event.preventDefault();
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
        {members ? (
          <select
            className="composer-answerer"
            aria-label="Who answers"
            data-testid="composer-answerer"
            value={answerer}
            onChange={(event) => setAnswerer(event.target.value)}
          >
            <option value="">Whoever is named, or next</option>
            {members
              .filter((m) => !m.muted)
              .map((m) => (
                <option key={m.characterId} value={m.characterId}>
                  {m.name} answers
                </option>
              ))}
          </select>
        ) : null}
        <label htmlFor="message-input" className="visually-hidden">
          Message to {characterName}
        </label>
        <textarea
          id="message-input"
          ref={inputRef}
          data-testid="message-input"
          className="composer-input"
          value={drafting ? joinDraft(text, stream.text) : text}
          readOnly={drafting}
          aria-busy={drafting || undefined}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={drafting ? "Writing your next message…" : `Message ${characterName}…`}
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
      <div className="composer-tools">
        <button
          type="button"
          className="btn btn-small composer-tool"
          data-testid="impersonate-button"
          title="Let the model draft your next message in the box (it is not sent)"
          disabled={generating || sending}
          onClick={() => void impersonate(chatId)}
        >
          <Icon name="impersonate" size={14} /> Impersonate
        </button>
        <button
          type="button"
          className="btn btn-small composer-tool"
          data-testid="regenerate-last"
          title="Regenerate the last reply as a new swipe (Ctrl+R)"
          disabled={generating || sending || !canRegenerate}
          onClick={() => void regenerateLast(chatId)}
        >
          <Icon name="regenerate" size={14} /> Regenerate
        </button>
        <p className="composer-hint">
          Enter to send · Shift+Enter for a new line · *asterisks* for actions · ← → swipe
        </p>
      </div>
    </form>
  );
}

import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { editMessage } from "../../state/messageActions";

/** Inline editing of a message's raw text: Ctrl+Enter (⌘+Enter) saves, Escape cancels. */
export function MessageEditor({
  messageId,
  initialText,
  busy,
  onClose,
}: Readonly<{ messageId: number; initialText: string; busy: boolean; onClose: () => void }>) {
  const [text, setText] = useState(initialText);
  const [saving, setSaving] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const blank = text.trim() === "";

  async function save() {
    if (saving || busy || blank) return;
    if (text === initialText) {
      onClose();
      return;
    }
    setSaving(true);
    const ok = await editMessage(messageId, text);
    setSaving(false);
    if (ok) onClose();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    }
  }

  return (
    <div className="message-editor">
      <textarea
        ref={ref}
        data-testid="edit-textarea"
        aria-label="Message text"
        className="message-editor-input"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="message-editor-actions">
        <span className="field-hint">Ctrl+Enter to save · Esc to cancel</span>
        <button type="button" className="btn btn-small" data-testid="edit-cancel" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="edit-save"
          disabled={saving || busy || blank}
          title={blank ? "A message cannot be empty; delete it instead" : undefined}
          onClick={() => void save()}
        >
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
    </div>
  );
}

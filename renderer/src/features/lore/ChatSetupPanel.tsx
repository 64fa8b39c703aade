/**
 * One chat's role-play setup: its persona, its author's note, the lorebooks attached to it, and
 * (group chats) its members — mute, unmute, remove, add, talkativeness — and speaking order.
 */
import { type FormEvent, useState } from "react";
import type { PromptReport } from "../../../../shared/api/contract";
import type { ChatAuthorNote } from "../../../../shared/domain/lore";
import { api } from "../../bridge";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { GroupMembers } from "./GroupMembers";
import { PromptLoreSection } from "./PromptLoreSection";
import { attempt, useLoaded } from "./useCall";

export function ChatSetupPanel({ chatId }: Readonly<{ chatId: number }>) {
  const setup = useLoaded(async () => ({
    persona: await api.call("personas.forChat", { chatId }),
    personas: await api.call("personas.list", {}),
    note: await api.call("notes.get", { chatId }),
    books: await api.call("lorebooks.forChat", { chatId }),
    allBooks: await api.call("lorebooks.list", {}),
  }));
  const onError = setup.setError;
  const act = async (action: () => Promise<unknown>) => {
    if (await attempt(action, onError)) await setup.reload();
  };
  const value = setup.value;
  const [bookToAttach, setBookToAttach] = useState("");
  const [report, setReport] = useState<PromptReport | null>(null);

  return (
    <section className="lore-panel" data-testid="chat-setup">
      {setup.error ? <ErrorBanner error={setup.error} onDismiss={() => setup.setError(null)} /> : null}
      {value ? (
        <>
          <label className="field">
            <span className="field-label">Persona in this chat</span>
            <select
              data-testid="chat-persona"
              value={value.persona.chosenId ?? ""}
              onChange={(e) =>
                act(() =>
                  api.call("personas.setForChat", {
                    chatId,
                    personaId: e.target.value === "" ? null : Number(e.target.value),
                  }),
                )
              }
            >
              <option value="">
                The default persona
                {value.persona.chosenId === null && value.persona.persona
                  ? ` (${value.persona.persona.name})`
                  : ""}
              </option>
              {value.personas.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <NoteForm
            key={JSON.stringify(value.note)}
            note={value.note}
            onSave={(note) => act(() => api.call("notes.set", { chatId, note }))}
          />
          <div className="lore-row" data-testid="chat-books">
            <span className="field-label">Lorebooks:</span>
            {value.books.map((b) => (
              <span key={b.key} className="lore-badge" title={`active via ${b.via}`}>
                {b.name} ({b.via})
                {b.via === "chat" ? (
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Detach ${b.name}`}
                    onClick={() =>
                      act(() =>
                        api.call("lorebooks.detach", {
                          id: Number(b.key.slice("lorebook:".length)),
                          scope: "chat",
                          targetId: chatId,
                        }),
                      )
                    }
                  >
                    ×
                  </button>
                ) : null}
              </span>
            ))}
            <select
              value={bookToAttach}
              onChange={(e) => setBookToAttach(e.target.value)}
              data-testid="chat-book"
            >
              <option value="">Attach a lorebook…</option>
              {value.allBooks.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn-small"
              disabled={bookToAttach === ""}
              data-testid="chat-book-attach"
              onClick={() =>
                act(async () => {
                  await api.call("lorebooks.attach", {
                    id: Number(bookToAttach),
                    scope: "chat",
                    targetId: chatId,
                  });
                  setBookToAttach("");
                })
              }
            >
              Attach
            </button>
          </div>
          <GroupMembers chatId={chatId} onError={onError} />
          <div className="lore-row">
            <button
              type="button"
              className="btn btn-small"
              data-testid="show-prompt-lore"
              title="Builds the prompt of the chat's last reply (loads the model if needed)"
              onClick={() =>
                attempt(async () => setReport(await api.call("chats.prompt", { chatId })), onError)
              }
            >
              Show lore in the prompt
            </button>
            {report ? (
              <span className="muted">
                for {report.userName}'s chat, {report.promptTokens} tokens
              </span>
            ) : null}
          </div>
          {report ? <PromptLoreSection lore={report.lore} /> : null}
        </>
      ) : null}
    </section>
  );
}

function NoteForm({
  note,
  onSave,
}: Readonly<{
  note: ChatAuthorNote;
  onSave: (note: { text: string; depth: number; every: number } | null) => void;
}>) {
  const [text, setText] = useState(note.effective.text);
  const [depth, setDepth] = useState(note.effective.depth);
  const [every, setEvery] = useState(note.effective.every);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave({ text, depth, every });
  };
  return (
    <form className="form" onSubmit={submit} data-testid="chat-note">
      <label className="field">
        <span className="field-label">Author's note{note.own ? "" : " (the default from the settings)"}</span>
        <textarea
          rows={2}
          value={text}
          data-testid="chat-note-text"
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <div className="lore-row">
        <label className="field">
          <span className="field-label">Depth</span>
          <input
            type="number"
            min={0}
            value={depth}
            data-testid="chat-note-depth"
            onChange={(e) => setDepth(Number(e.target.value))}
          />
        </label>
        <label className="field">
          <span className="field-label">Every N turns</span>
          <input type="number" min={1} value={every} onChange={(e) => setEvery(Number(e.target.value))} />
        </label>
        <button type="submit" className="btn btn-small" data-testid="chat-note-save">
          Save note
        </button>
        {note.own ? (
          <button type="button" className="btn btn-small" onClick={() => onSave(null)}>
            Use the default
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** The "Chats" tab: start a group chat, or pick a chat to set up its persona, note, lorebooks and characters. */
import { useState } from "react";
import { api } from "../../bridge";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { ChatSetupPanel } from "./ChatSetupPanel";
import { attempt, useLoaded } from "./useCall";

export function ChatsPanel({
  onGroupCreated,
}: Readonly<{ onGroupCreated?: (chatId: number, characterId: number) => void }>) {
  const chats = useLoaded(() => api.call("chats.list", {}));
  const characters = useLoaded(() => api.call("characters.list", {}));
  const [chatId, setChatId] = useState<number | null>(null);
  const [picked, setPicked] = useState<number[]>([]);

  async function createGroup() {
    const [first, ...others] = picked;
    if (first === undefined || others.length === 0) return;
    await attempt(async () => {
      const view = await api.call("chats.create", { characterId: first, otherCharacterIds: others });
      setPicked([]);
      await chats.reload();
      setChatId(view.chat.id);
      onGroupCreated?.(view.chat.id, view.chat.characterId);
    }, chats.setError);
  }

  return (
    <section className="lore-panel" data-testid="chats-panel">
      {chats.error ? <ErrorBanner error={chats.error} onDismiss={() => chats.setError(null)} /> : null}
      <fieldset className="lore-row" data-testid="group-new">
        <legend>New group chat (the first one picked greets)</legend>
        {(characters.value ?? []).map((c) => (
          <label key={c.id}>
            <input
              type="checkbox"
              data-testid={`group-pick-${c.id}`}
              checked={picked.includes(c.id)}
              onChange={(e) =>
                setPicked(e.target.checked ? [...picked, c.id] : picked.filter((id) => id !== c.id))
              }
            />{" "}
            {c.name}
          </label>
        ))}
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={picked.length < 2}
          data-testid="group-create"
          onClick={createGroup}
        >
          Start group chat
        </button>
      </fieldset>
      <label className="field">
        <span className="field-label">Set up a chat</span>
        <select
          value={chatId ?? ""}
          data-testid="setup-chat"
          onChange={(e) => setChatId(e.target.value === "" ? null : Number(e.target.value))}
        >
          <option value="">Choose a chat…</option>
          {(chats.value ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </label>
      {chatId !== null ? <ChatSetupPanel key={chatId} chatId={chatId} /> : null}
    </section>
  );
}

/** A chat's characters: mute, unmute, remove, talkativeness, add one, and the speaking order. */
import { useState } from "react";
import type { ChatView } from "../../../../shared/domain/chat";
import type { ApiError } from "../../../../shared/errors";
import { api } from "../../bridge";
import { attempt, useLoaded } from "./useCall";

export function GroupMembers({
  chatId,
  onError,
}: Readonly<{ chatId: number; onError: (e: ApiError) => void }>) {
  const chat = useLoaded(() => api.call("chats.get", { chatId, limit: 1 }));
  const characters = useLoaded(() => api.call("characters.list", {}));
  const [toAdd, setToAdd] = useState("");
  const run = async (action: () => Promise<ChatView>) => {
    await attempt(async () => {
      await action();
      await chat.reload();
    }, onError);
  };
  const view = chat.value;
  if (!view) return null;
  const inChat = new Set(view.members.map((m) => m.characterId));
  return (
    <div className="lore-panel" data-testid="group-members">
      <span className="field-label">{view.group ? "Characters in this group chat" : "Character"}</span>
      <ul className="lore-list">
        {view.members.map((m) => (
          <li key={m.characterId} data-testid={`member-${m.characterId}`} className={m.muted ? "muted" : ""}>
            <span className="lore-list-name">
              {m.name}
              {m.muted ? <span className="lore-badge">muted</span> : null}
            </span>
            {view.group ? (
              <span className="lore-list-actions">
                <label title="How likely the character speaks up unprompted">
                  Talkativeness{" "}
                  <input
                    type="number"
                    min={0}
                    max={1}
                    step={0.1}
                    defaultValue={m.talkativeness}
                    onBlur={(e) =>
                      run(() =>
                        api.call("chats.setMember", {
                          chatId,
                          characterId: m.characterId,
                          talkativeness: Number(e.target.value),
                        }),
                      )
                    }
                  />
                </label>
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid={`member-mute-${m.characterId}`}
                  onClick={() =>
                    run(() =>
                      api.call("chats.setMember", { chatId, characterId: m.characterId, muted: !m.muted }),
                    )
                  }
                >
                  {m.muted ? "Unmute" : "Mute"}
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  data-testid={`member-remove-${m.characterId}`}
                  onClick={() =>
                    run(() =>
                      api.call("chats.setMember", { chatId, characterId: m.characterId, remove: true }),
                    )
                  }
                >
                  Remove
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <div className="lore-row">
        <select value={toAdd} onChange={(e) => setToAdd(e.target.value)} data-testid="member-add-choice">
          <option value="">Add a character…</option>
          {(characters.value ?? [])
            .filter((c) => !inChat.has(c.id))
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
        </select>
        <button
          type="button"
          className="btn btn-small"
          disabled={toAdd === ""}
          data-testid="member-add"
          onClick={() =>
            run(async () => {
              const updated = await api.call("chats.addMember", { chatId, characterId: Number(toAdd) });
              setToAdd("");
              return updated;
            })
          }
        >
          Add
        </button>
        {view.group ? (
          <label>
            Who answers{" "}
            <select
              value={view.options.speakerOrder ?? "natural"}
              data-testid="speaker-order"
              onChange={(e) =>
                run(() =>
                  api.call("chats.setOptions", {
                    chatId,
                    speakerOrder: e.target.value as "natural" | "list",
                  }),
                )
              }
            >
              <option value="natural">The one named, else by talkativeness</option>
              <option value="list">In turn, in this order</option>
            </select>
          </label>
        ) : null}
      </div>
    </div>
  );
}

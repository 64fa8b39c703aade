import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { ChatSummary } from "../../../../shared/domain/chat";
import { formatDate } from "../../ui/formatTime";

/** Chats rendered at once; a search narrows longer lists. */
const SHOWN_MAX = 400;

interface Group {
  characterId: number;
  characterName: string;
  chats: ChatSummary[];
}

/** Chats grouped by character (by name), most recent chat first. */
export function groupChats(chats: readonly ChatSummary[]): Group[] {
  const groups = new Map<number, Group>();
  for (const chat of chats) {
    let group = groups.get(chat.characterId);
    if (!group) {
      group = { characterId: chat.characterId, characterName: chat.characterName, chats: [] };
      groups.set(chat.characterId, group);
    }
    group.chats.push(chat);
  }
  const sorted = [...groups.values()].sort((a, b) => a.characterName.localeCompare(b.characterName));
  for (const group of sorted) group.chats.sort((a, b) => b.updatedAt - a.updatedAt);
  return sorted;
}

function toggled(ids: readonly number[], id: number, on: boolean): number[] {
  const rest = ids.filter((x) => x !== id);
  return on ? [...rest, id] : rest;
}

/** A checkbox that can show "some of these" (indeterminate), which has no HTML attribute. */
function GroupCheckbox({
  checked,
  mixed,
  label,
  onChange,
}: Readonly<{ checked: boolean; mixed: boolean; label: string; onChange: (on: boolean) => void }>) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = mixed;
  }, [mixed]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="export-box"
      aria-label={label}
      checked={checked}
      onChange={(e) => onChange(e.currentTarget.checked)}
    />
  );
}

/** The "chosen chats" scope: every chat by character, with checkboxes and a search box. */
export function ChatPicker({
  chats,
  selected,
  onChange,
}: Readonly<{
  chats: readonly ChatSummary[];
  selected: readonly number[];
  onChange: (ids: number[]) => void;
}>) {
  const [search, setSearch] = useState("");
  const searchId = useId();
  const chosen = useMemo(() => new Set(selected), [selected]);
  const needle = search.trim().toLowerCase();
  const groups = useMemo(() => {
    const matching = needle
      ? chats.filter((c) => `${c.title}\n${c.characterName}`.toLowerCase().includes(needle))
      : chats;
    return groupChats(matching);
  }, [chats, needle]);
  let budget = SHOWN_MAX;
  const total = groups.reduce((n, g) => n + g.chats.length, 0);

  return (
    <div className="export-picker">
      <div className="export-picker-bar">
        <label className="visually-hidden" htmlFor={searchId}>
          Search chats
        </label>
        <input
          id={searchId}
          type="search"
          placeholder="Search chats or characters"
          value={search}
          data-testid="export-chat-search"
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
        <span className="muted export-picker-count" data-testid="export-chosen-count">
          {selected.length} chosen
        </span>
        {selected.length > 0 ? (
          <button type="button" className="btn btn-small" onClick={() => onChange([])}>
            Clear
          </button>
        ) : null}
      </div>
      <div className="export-picker-list">
        {groups.length === 0 ? <p className="empty-hint">No chat matches “{search}”.</p> : null}
        {groups.map((group) => {
          if (budget <= 0) return null;
          const shown = group.chats.slice(0, budget);
          budget -= shown.length;
          const ids = group.chats.map((c) => c.id);
          const count = ids.filter((id) => chosen.has(id)).length;
          return (
            <fieldset key={group.characterId} className="export-picker-group">
              <legend>
                <GroupCheckbox
                  checked={count === ids.length}
                  mixed={count > 0 && count < ids.length}
                  label={`Every chat of ${group.characterName}`}
                  onChange={(on) =>
                    onChange(
                      on ? [...new Set([...selected, ...ids])] : selected.filter((id) => !ids.includes(id)),
                    )
                  }
                />
                <span>{group.characterName}</span>
              </legend>
              {shown.map((chat) => (
                <label key={chat.id} className="export-check">
                  <input
                    type="checkbox"
                    className="export-box"
                    data-testid="export-chat-checkbox"
                    data-chat-id={chat.id}
                    checked={chosen.has(chat.id)}
                    onChange={(e) => onChange(toggled(selected, chat.id, e.currentTarget.checked))}
                  />
                  <span className="export-check-text">{chat.title || `Chat ${chat.id}`}</span>
                  <span className="muted export-check-meta">
                    {chat.messageCount} {chat.messageCount === 1 ? "message" : "messages"} ·{" "}
                    {formatDate(chat.updatedAt)}
                  </span>
                </label>
              ))}
            </fieldset>
          );
        })}
        {total > SHOWN_MAX ? (
          <p className="field-hint">
            Showing {SHOWN_MAX} of {total} chats: search to find the others.
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** The "chats of chosen characters" scope: characters that have chats, with their chat count. */
export function CharacterPicker({
  chats,
  selected,
  onChange,
}: Readonly<{
  chats: readonly ChatSummary[];
  selected: readonly number[];
  onChange: (ids: number[]) => void;
}>) {
  const groups = useMemo(() => groupChats(chats), [chats]);
  return (
    <div className="export-picker">
      <div className="export-picker-list">
        {groups.map((group) => (
          <label key={group.characterId} className="export-check">
            <input
              type="checkbox"
              className="export-box"
              data-testid="export-character-checkbox"
              data-character-id={group.characterId}
              checked={selected.includes(group.characterId)}
              onChange={(e) => onChange(toggled(selected, group.characterId, e.currentTarget.checked))}
            />
            <span className="export-check-text">{group.characterName}</span>
            <span className="muted export-check-meta">
              {group.chats.length} {group.chats.length === 1 ? "chat" : "chats"}
            </span>
          </label>
        ))}
      </div>
    </div>
  );
}

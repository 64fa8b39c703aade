/** "Personas & lore": the sidebar button and its dialog with the persona and lorebook panels. */
import { useState } from "react";
import { openChat } from "../../state/chatActions";
import { selectCharacter } from "../../state/libraryActions";
import { Dialog } from "../../ui/Dialog";
import { ChatsPanel } from "./ChatsPanel";
import { LorebookPanel } from "./LorebookPanel";
import { PersonaPanel } from "./PersonaPanel";
import "./lore.css";

type Tab = "personas" | "lorebooks" | "chats";
const TABS: [Tab, string][] = [
  ["personas", "Personas"],
  ["lorebooks", "Lorebooks"],
  ["chats", "Chats & groups"],
];

export function LoreButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn btn-small sidebar-export"
        data-testid="open-lore"
        title="Who you are in your stories, and the lorebooks your chats draw on"
        onClick={() => setOpen(true)}
      >
        Personas & lore…
      </button>
      {open ? <LoreManager onClose={() => setOpen(false)} /> : null}
    </>
  );
}

export function LoreManager({ onClose }: Readonly<{ onClose: () => void }>) {
  const [tab, setTab] = useState<Tab>("personas");
  return (
    <Dialog title="Personas & lore" onClose={onClose} variant="wide" testId="lore-dialog">
      <div className="lore-tabs" role="tablist">
        {TABS.map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={`btn btn-small${tab === t ? " btn-primary" : ""}`}
            data-testid={`lore-tab-${t}`}
            onClick={() => setTab(t)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === "personas" ? (
        <PersonaPanel />
      ) : tab === "lorebooks" ? (
        <LorebookPanel />
      ) : (
        <ChatsPanel
          onGroupCreated={(chatId, characterId) => {
            onClose();
            // The chat is listed under its first character: show it there, opened.
            void selectCharacter(characterId).then(() => openChat(chatId));
          }}
        />
      )}
    </Dialog>
  );
}

/** "Personas & lore": the sidebar button and its dialog with the persona and lorebook panels. */
import { useState } from "react";
import { Dialog } from "../../ui/Dialog";
import { LorebookPanel } from "./LorebookPanel";
import { PersonaPanel } from "./PersonaPanel";
import "./lore.css";

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
  const [tab, setTab] = useState<"personas" | "lorebooks">("personas");
  return (
    <Dialog title="Personas & lore" onClose={onClose} variant="wide" testId="lore-dialog">
      <div className="lore-tabs" role="tablist">
        {(["personas", "lorebooks"] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={`btn btn-small${tab === t ? " btn-primary" : ""}`}
            data-testid={`lore-tab-${t}`}
            onClick={() => setTab(t)}
          >
            {t === "personas" ? "Personas" : "Lorebooks"}
          </button>
        ))}
      </div>
      {tab === "personas" ? <PersonaPanel /> : <LorebookPanel />}
    </Dialog>
  );
}

import { useState } from "react";
import { ExportDialog } from "./ExportDialog";
import "./export.css";

/** The sidebar footer's "Export chats…": opens the export dialog with every chat chosen. */
export function SidebarExport() {
  const [open, setOpen] = useState(false);
  return (
    <div className="sidebar-footer">
      <button
        type="button"
        className="btn btn-small sidebar-export"
        data-testid="open-export"
        title="Export your chats as a redacted PIPPA or Metharme dataset, or a SillyTavern chat"
        onClick={() => setOpen(true)}
      >
        Export chats…
      </button>
      {open ? <ExportDialog onClose={() => setOpen(false)} /> : null}
    </div>
  );
}

/** The character page's "Export chats": the same dialog with this character's chats chosen. */
export function CharacterExportButton({ characterId }: Readonly<{ characterId: number }>) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn"
        data-testid="export-character-chats"
        onClick={() => setOpen(true)}
      >
        Export chats
      </button>
      {open ? (
        <ExportDialog
          initial={{ scope: "characters", characterIds: [characterId] }}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}

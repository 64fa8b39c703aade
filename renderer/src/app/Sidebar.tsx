import { CharacterList } from "../features/characters/CharacterList";
import { ChatList } from "../features/chat/ChatList";
import { SidebarExport } from "../features/export/ExportButtons";
import { LoreButton } from "../features/lore/LoreManager";
import { SidebarModels } from "../features/models/SidebarModels";
import { WorkbenchButton } from "../features/workbench/WorkbenchButton";

function MaskIcon() {
  return (
    <svg
      width="22"
      height="22"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
    >
      <path d="M3 6c3-1.5 6-2 9-2s6 .5 9 2c0 7-3.5 12-9 14C6.5 18 3 13 3 6z" />
      <path d="M7.5 10.5c1-.8 2.2-.8 3 0M13.5 10.5c1-.8 2.2-.8 3 0M9.5 15c1.5 1 3.5 1 5 0" />
    </svg>
  );
}

export function Sidebar() {
  return (
    <nav className="sidebar" aria-label="Characters and chats">
      <div className="brand">
        <MaskIcon />
        <span>Masque</span>
      </div>
      <CharacterList />
      <ChatList />
      <SidebarModels />
      <div className="sidebar-footer sidebar-tools">
        <LoreButton />
        <WorkbenchButton />
      </div>
      <SidebarExport />
    </nav>
  );
}

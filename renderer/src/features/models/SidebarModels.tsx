import { openModelLibrary, useModels } from "../../state/modelActions";
import "./models.css";

/** The sidebar's way into the model library, with the number of running downloads. */
export function SidebarModels() {
  const running = useModels((s) => s.downloads.filter((d) => d.state === "running").length);
  return (
    <div className="sidebar-footer sidebar-models">
      <button
        type="button"
        className="btn btn-small"
        data-testid="open-models"
        title="Models: what is installed, what fits this machine, downloads"
        onClick={openModelLibrary}
      >
        Models…{running > 0 ? ` (${running} downloading)` : ""}
      </button>
    </div>
  );
}

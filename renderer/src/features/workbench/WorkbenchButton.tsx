import { openWorkbench, useWorkbench } from "../../state/workbenchActions";

/** The sidebar's entry to the model workbench. */
export function WorkbenchButton() {
  const open = useWorkbench((s) => s.open);
  return (
    <button
      type="button"
      className={`btn btn-small workbench-entry${open ? " active" : ""}`}
      data-testid="open-workbench"
      onClick={() => openWorkbench(!open)}
    >
      Model workbench
    </button>
  );
}

import { useEffect, useState } from "react";
import { useAppState } from "../../state/appStore";
import { startImport } from "../../state/importActions";
import "./import.css";

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes("Files") ?? false;
}

/**
 * Drag-and-drop import anywhere on the window: a full-window overlay while a file is dragged over it,
 * and the first dropped file is imported. Dropping never makes the page navigate to the file.
 */
export function DropOverlay() {
  const [dragging, setDragging] = useState(false);
  const busy = useAppState((s) => s.importJob !== null && s.importJob.phase !== "finished");

  useEffect(() => {
    let depth = 0;
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const onOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    };
    const onLeave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (file) void startImport(file);
    };
    window.addEventListener("dragenter", onEnter);
    window.addEventListener("dragover", onOver);
    window.addEventListener("dragleave", onLeave);
    window.addEventListener("drop", onDrop);
    return () => {
      window.removeEventListener("dragenter", onEnter);
      window.removeEventListener("dragover", onOver);
      window.removeEventListener("dragleave", onLeave);
      window.removeEventListener("drop", onDrop);
    };
  }, []);

  if (!dragging) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <p className="drop-title">{busy ? "An import is already running" : "Drop to import"}</p>
        <p className="drop-hint">
          {busy
            ? "Wait for it to finish, then drop the file again."
            : "A PIPPA .jsonl file, or a character card (.json, .png, .charx). One file at a time."}
        </p>
      </div>
    </div>
  );
}

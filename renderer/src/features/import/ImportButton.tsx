import { useRef } from "react";
import { useAppState } from "../../state/appStore";
import { startImport } from "../../state/importActions";
import "./import.css";

/** The file types Masque imports: PIPPA JSONL, card JSON, card PNG, CHARX. */
export const IMPORT_ACCEPT = ".jsonl,.json,.png,.charx";

/** "Import": a file picker for PIPPA files and character cards (dropping a file on the window works too). */
export function ImportButton() {
  const inputRef = useRef<HTMLInputElement>(null);
  const busy = useAppState((s) => s.importJob !== null && s.importJob.phase !== "finished");

  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        data-testid="import-button"
        disabled={busy}
        title="Import a PIPPA .jsonl file or a character card (.json, .png, .charx)"
        onClick={() => inputRef.current?.click()}
      >
        Import
      </button>
      <input
        ref={inputRef}
        type="file"
        hidden
        data-testid="import-input"
        accept={IMPORT_ACCEPT}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Reset, so picking the same file again still fires a change.
          event.currentTarget.value = "";
          if (file) void startImport(file);
        }}
      />
    </>
  );
}

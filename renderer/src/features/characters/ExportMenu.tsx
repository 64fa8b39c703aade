import { useEffect, useRef, useState } from "react";
import type { CardExportFormat } from "../../../../shared/domain/library";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { exportCharacter } from "../../state/characterActions";
import { downloadBase64 } from "../../ui/download";
import "./exportMenu.css";

const FORMATS: { format: CardExportFormat; label: string; hint: string }[] = [
  { format: "png", label: "PNG card", hint: "V2 + V3 card inside the avatar picture" },
  { format: "v2", label: "JSON (V2)", hint: "Tavern Card V2" },
  { format: "v3", label: "JSON (V3)", hint: "Character Card V3" },
  { format: "charx", label: "CHARX", hint: "V3 card and its assets in a zip" },
];

/** "Export ▾": the card as PNG, V2/V3 JSON or CHARX, saved through the browser's download. */
export function ExportMenu({
  id,
  onError,
}: Readonly<{ id: number; onError: (error: ApiError | null) => void }>) {
  const [busy, setBusy] = useState<CardExportFormat | null>(null);
  const menuRef = useRef<HTMLDetailsElement>(null);

  // Close the menu on a click elsewhere or Escape, as menus do.
  useEffect(() => {
    const close = (event: Event) => {
      const menu = menuRef.current;
      if (!menu?.open) return;
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !menu.contains(event.target as Node)) {
        menu.open = false;
      }
    };
    document.addEventListener("pointerdown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("pointerdown", close);
      document.removeEventListener("keydown", close);
    };
  }, []);

  async function run(format: CardExportFormat) {
    setBusy(format);
    onError(null);
    try {
      const file = await exportCharacter(id, format);
      downloadBase64(file.fileName, file.mimeType, file.dataBase64);
      if (menuRef.current) menuRef.current.open = false;
    } catch (caught) {
      onError(toApiError(caught));
    } finally {
      setBusy(null);
    }
  }

  return (
    <details className="menu" data-testid="export-menu" ref={menuRef}>
      <summary className="btn">Export</summary>
      <div className="menu-panel" role="menu">
        {FORMATS.map(({ format, label, hint }) => (
          <button
            key={format}
            type="button"
            role="menuitem"
            className="menu-item"
            data-testid={`export-${format}`}
            disabled={busy !== null}
            onClick={() => void run(format)}
          >
            <span>{busy === format ? "Exporting…" : label}</span>
            <span className="menu-hint">{hint}</span>
          </button>
        ))}
      </div>
    </details>
  );
}

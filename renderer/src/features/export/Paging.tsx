import { type ReactNode, useState } from "react";

/** Rows shown at first and added by each "Show more". */
export const PAGE_SIZE = 50;

/** The first `PAGE_SIZE × pages` items, and a button to show the next page. */
export function usePaged<T>(items: readonly T[]): { shown: readonly T[]; more: ReactNode } {
  const [pages, setPages] = useState(1);
  const shown = items.slice(0, pages * PAGE_SIZE);
  const left = items.length - shown.length;
  const more =
    left > 0 ? (
      <button type="button" className="btn btn-small export-more" onClick={() => setPages((p) => p + 1)}>
        Show {Math.min(left, PAGE_SIZE)} more ({left} not shown)
      </button>
    ) : null;
  return { shown, more };
}

/**
 * A collapsible section whose rows are only rendered while it is open, so hundreds of closed
 * groups cost one line each.
 */
export function Collapsible({
  summary,
  defaultOpen,
  testId,
  children,
}: Readonly<{ summary: ReactNode; defaultOpen: boolean; testId?: string; children: () => ReactNode }>) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <details
      className="export-group"
      open={open}
      data-testid={testId}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>{summary}</summary>
      {open ? children() : null}
    </details>
  );
}

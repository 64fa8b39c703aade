/** Which rows of a fixed-row-height list to render: the visible ones plus `overscan` on each side. */
export interface VirtualRange {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index + 1 (exclusive). */
  end: number;
}

export function virtualRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): VirtualRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const maxStart = Math.max(0, count - 1);
  const first = Math.min(maxStart, Math.max(0, Math.floor(scrollTop / rowHeight)));
  const visible = Math.max(1, Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, first + visible + overscan),
  };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollTopFor(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}

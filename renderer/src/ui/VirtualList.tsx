import { type KeyboardEvent, type ReactNode, useLayoutEffect, useRef, useState } from "react";
import { scrollTopFor, virtualRange } from "./virtualRange";
import "./ui.css";

interface VirtualListProps<T> {
  items: readonly T[];
  /** Every row is exactly this tall (px); rows must not grow with their content. */
  rowHeight: number;
  /** Rows rendered above and below the visible ones, so fast scrolling shows no blank rows. */
  overscan?: number;
  getKey: (item: T) => string | number;
  renderItem: (item: T, index: number) => ReactNode;
  className?: string;
  testId?: string;
  ariaLabel: string;
  /** Scrolls back to the top whenever this changes (e.g. a new search or sort). */
  resetKey?: string;
}

/**
 * A windowed list: only the rows in view (plus overscan) are in the DOM, absolutely placed in a
 * spacer as tall as the whole list, so thousands of rows scroll as fast as twenty. Up/Down/Home/End
 * move the focus between rows, scrolling the next one into the DOM first.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  overscan = 8,
  getKey,
  renderItem,
  className,
  testId,
  ariaLabel,
  resetKey,
}: Readonly<VirtualListProps<T>>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(0);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setViewportHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setViewportHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the key changes, reads the DOM
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && el.scrollTop !== 0) el.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  // A shorter list (new search) may leave the old scroll position past its end.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && el.scrollTop !== scrollTop) setScrollTop(el.scrollTop);
  });

  const { start, end } = virtualRange(scrollTop, viewportHeight, rowHeight, items.length, overscan);

  function focusRow(index: number) {
    const el = scrollRef.current;
    if (!el) return;
    const target = scrollTopFor(index, el.scrollTop, el.clientHeight, rowHeight);
    if (target !== null) {
      el.scrollTop = target;
      setScrollTop(target);
    }
    requestAnimationFrame(() => {
      el.querySelector<HTMLElement>(
        `[data-index="${index}"] button, [data-index="${index}"] [tabindex]`,
      )?.focus();
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const row = (event.target as HTMLElement).closest<HTMLElement>("[data-index]");
    if (!row || items.length === 0) return;
    const index = Number(row.dataset.index);
    const page = Math.max(1, Math.floor(viewportHeight / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: items.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    focusRow(Math.min(items.length - 1, Math.max(0, next)));
  }

  const rows: ReactNode[] = [];
  for (let index = start; index < end; index++) {
    const item = items[index] as T;
    rows.push(
      <li
        key={getKey(item)}
        className="virtual-row"
        data-index={index}
        aria-setsize={items.length}
        aria-posinset={index + 1}
        style={{ top: index * rowHeight, height: rowHeight }}
      >
        {renderItem(item, index)}
      </li>,
    );
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys bubble up from the row buttons (delegation)
    <div
      ref={scrollRef}
      className={`virtual-scroll ${className ?? ""}`}
      data-testid={testId}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      <ul className="virtual-spacer" aria-label={ariaLabel} style={{ height: items.length * rowHeight }}>
        {rows}
      </ul>
    </div>
  );
}

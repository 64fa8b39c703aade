/**
 * Virtualized lists of messages (the chat, a reference session): only the rows on screen plus a
 * few more are mounted, each measured as it renders (messages have any height), so a list of
 * 10,000 messages costs what one of twenty does.
 */
import { type Range, useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import type { RefObject } from "react";

/** Where one row sits: passed to the row, which puts these on its element. */
export interface RowPlacement {
  /** Its index among the virtualizer's rows (the `data-index` it is measured by). */
  index: number;
  /** Its offset from the top of the list, in px. */
  start: number;
  /** Its position for assistive technology (1-based) among `setSize` items. */
  position: number;
  setSize: number;
  measure: (element: Element | null) => void;
}

/** Space between two messages, as the plain list's `gap` had it. */
const ROW_GAP = 14;

interface Options {
  count: number;
  scrollRef: RefObject<HTMLElement | null>;
  getKey: (index: number) => string | number;
  /** A guess of a row's height before it is measured. */
  estimateSize: (index: number) => number;
  /**
   * A chat: opens at the end, keeps following it while the reader is there (a reply streaming
   * in), and keeps the reader's message in place when earlier messages are put in front.
   */
  anchorToEnd?: boolean;
  paddingStart?: number;
  paddingEnd?: number;
  /** Which rows to mount (default: the visible ones plus overscan). */
  rangeExtractor?: (range: Range) => number[];
}

export function useMessageVirtualizer({
  count,
  scrollRef,
  getKey,
  estimateSize,
  anchorToEnd = false,
  paddingStart = 0,
  paddingEnd = 0,
  rangeExtractor,
}: Options): Virtualizer<HTMLElement, Element> {
  return useVirtualizer<HTMLElement, Element>({
    count,
    getScrollElement: () => scrollRef.current,
    getItemKey: getKey,
    estimateSize,
    overscan: 6,
    gap: ROW_GAP,
    paddingStart,
    paddingEnd,
    ...(rangeExtractor ? { rangeExtractor } : {}),
    ...(anchorToEnd ? { anchorTo: "end" as const, followOnAppend: true, scrollEndThreshold: 24 } : {}),
  });
}

/** The placement of row `index` among `setSize` items whose first is row `first`. */
export function placementOf(
  virtualizer: Virtualizer<HTMLElement, Element>,
  item: { index: number; start: number },
  first: number,
  setSize: number,
): RowPlacement {
  return {
    index: item.index,
    start: item.start,
    position: item.index - first + 1,
    setSize,
    measure: virtualizer.measureElement,
  };
}

export function sameRow(a: RowPlacement | undefined, b: RowPlacement | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.index === b.index &&
    a.start === b.start &&
    a.position === b.position &&
    a.setSize === b.setSize &&
    a.measure === b.measure
  );
}

/** `React.memo`'s comparison for a row component: every prop by identity, `row` by its fields. */
export function sameRowProps<P extends { row?: RowPlacement }>(a: Readonly<P>, b: Readonly<P>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof P)[]);
  for (const key of keys) {
    if (key === "row" ? !sameRow(a.row, b.row) : !Object.is(a[key], b[key])) return false;
  }
  return true;
}

/** A height guess for a message of `text` (measured for real once rendered). */
export function estimateMessageHeight(text: string): number {
  const lines = Math.ceil(text.length / 80) + (text.match(/\n/g)?.length ?? 0);
  return 64 + lines * 24;
}

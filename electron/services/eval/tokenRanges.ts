/** Token ranges to score, and the prefix two token lists share. Pure; no model needed. */
import { MasqueError } from "../../../shared/errors";

/** Positions [start, end) of a token list; a position i is scored as −ln p(token i | tokens before i). */
export interface TokenRange {
  start: number;
  end: number;
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Ranges must be non-empty, ascending, disjoint, and leave position 0 (it has no context) unscored. */
export function checkRanges(ranges: readonly TokenRange[], length: number, field = "scored"): void {
  if (ranges.length === 0) throw new MasqueError("INVALID_INPUT", `${field}: no token range to score`);
  let previousEnd = 1;
  ranges.forEach(({ start, end }, i) => {
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      start < previousEnd ||
      end <= start ||
      end > length
    ) {
      throw new MasqueError(
        "INVALID_INPUT",
        `${field}[${i}]: [${start}, ${end}) is not an ascending, disjoint, non-empty range within 1..${length}`,
        { field: `${field}[${i}]` },
      );
    }
    previousEnd = end;
  });
}

export function rangeTokenCount(ranges: readonly TokenRange[]): number {
  return ranges.reduce((s, r) => s + r.end - r.start, 0);
}

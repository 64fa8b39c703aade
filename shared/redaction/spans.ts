/** Helpers over text spans: context for review, replacement, overlap resolution. */
export interface Span {
  start: number;
  end: number;
}

const CONTEXT_CHARS = 60;

/** About 60 characters around a span, on one line, with "…" where the text was cut. */
export function spanContext(text: string, start: number, end: number, width = CONTEXT_CHARS): string {
  const side = Math.max(0, Math.floor((width - (end - start)) / 2));
  const from = Math.max(0, start - side);
  const to = Math.min(text.length, end + side);
  const body = text.slice(from, to).replace(/\s+/g, " ");
  return `${from > 0 ? "…" : ""}${body}${to < text.length ? "…" : ""}`;
}

/** Replaces non-overlapping spans (any order) in one pass. */
export function replaceSpans(text: string, spans: readonly (Span & { replacement: string })[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const span of sorted) {
    if (span.start < at) continue;
    out += text.slice(at, span.start) + span.replacement;
    at = span.end;
  }
  return out + text.slice(at);
}

/** Keeps the earliest span of each overlapping group (longest first at equal starts, then by rank). */
export function dropOverlaps<T extends Span>(spans: readonly T[], rank: (span: T) => number = () => 0): T[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end || rank(a) - rank(b));
  const kept: T[] = [];
  let end = -1;
  for (const span of sorted) {
    if (span.start >= end) {
      kept.push(span);
      end = span.end;
    }
  }
  return kept;
}

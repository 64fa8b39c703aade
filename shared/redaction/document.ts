/**
 * Redaction of one piece of exported text, in two steps: names are always replaced (the result is
 * final), then the scan flags spans the user accepts or rejects. `finishField` applies that choice.
 */
import { redactNames } from "./names";
import { scanPersonalData } from "./scan";
import { replaceSpans, spanContext } from "./spans";
import {
  type ExportLocation,
  type FlaggedSpan,
  type NameReplacement,
  PLACEHOLDERS,
  type RedactionCounts,
} from "./types";

export interface RedactedField {
  location: ExportLocation;
  /** The text with names replaced, flagged spans still as written. */
  text: string;
  names: NameReplacement[];
  flagged: FlaggedSpan[];
  /** Where each flagged span is in `text`, by id. */
  offsets: Map<string, { start: number; end: number }>;
}

/** `scope` makes the ids unique across the export, e.g. "chat12:m3" or "char4:description". */
export function redactField(
  text: string,
  location: ExportLocation,
  scope: string,
  nameList: readonly string[],
): RedactedField {
  const named = redactNames(text, nameList);
  const names = named.matches.map((m) => ({
    ...location,
    text: m.text,
    context: spanContext(text, m.start, m.end),
  }));
  const offsets = new Map<string, { start: number; end: number }>();
  const flagged = scanPersonalData(named.text, nameList).map((span) => {
    const id = `${scope}:${span.start}-${span.end}`;
    offsets.set(id, { start: span.start, end: span.end });
    return {
      ...location,
      id,
      kind: span.kind,
      text: span.text,
      context: spanContext(named.text, span.start, span.end),
      replacement: PLACEHOLDERS[span.kind],
    };
  });
  return { location, text: named.text, names, flagged, offsets };
}

/** The final text: accepted spans replaced by their placeholder, rejected ones kept. */
export function finishField(field: RedactedField, accepted: (id: string) => boolean): string {
  const spans = field.flagged
    .filter((f) => accepted(f.id))
    .map((f) => ({
      ...(field.offsets.get(f.id) as { start: number; end: number }),
      replacement: f.replacement,
    }));
  return replaceSpans(field.text, spans);
}

export function emptyCounts(): RedactionCounts {
  return { names: 0, emails: 0, phones: 0, urls: 0, other: 0 };
}

/** Adds a field's name replacements and accepted spans to `counts`. */
export function countField(counts: RedactionCounts, field: RedactedField, accepted: (id: string) => boolean) {
  counts.names += field.names.length;
  for (const span of field.flagged) {
    if (!accepted(span.id)) continue;
    if (span.kind === "name") counts.names++;
    else if (span.kind === "email") counts.emails++;
    else if (span.kind === "phone") counts.phones++;
    else if (span.kind === "url") counts.urls++;
    else counts.other++;
  }
}

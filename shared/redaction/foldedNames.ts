/**
 * The second pass of name redaction: names found in the folded text (see fold.ts), so that
 * `Zoë\u200bMarlowe`, `Ｍａｒｌｏｗｅ`, `Mаrlowe` (Cyrillic а), `Marlowé` and `Marl&#111;we` are
 * found too. Besides the names of the list it looks for the parts of a name run together
 * (`ZoëMarlowe`, `MarloweZoë`); besides plain word boundaries it accepts Markdown emphasis with
 * underscores (`_Marlowe_`) and a plural possessive (`Marlowes'`, of which only the name goes).
 */

import { RESERVED_NAMES, WORD_CHAR } from "./boundaries";
import { foldName, foldText, originalSpan } from "./fold";
import type { Span } from "./spans";

const WORD = WORD_CHAR;
const BEFORE = `(?:(?<!${WORD})|(?<=(?<!${WORD})_+))`;
const AFTER = `(?:(?!${WORD})|(?=_+(?!${WORD}))|(?=e?s['’](?!${WORD})))`;
const PLACEHOLDER = /\{\{[^{}\n]{0,40}\}\}/g;
const MAX_CACHED = 16;

const cache = new Map<string, RegExp | null>();

/** Spans of the original text where a name of `list` (from `buildNameList`) appears in disguise. */
export function findFoldedNames(text: string, list: readonly string[]): Span[] {
  const pattern = matcher(list);
  if (pattern === null || text === "") return [];
  const folded = foldText(text);
  const placeholders = [...text.matchAll(PLACEHOLDER)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (const m of folded.text.matchAll(pattern)) {
    if (m[0].length === 0) continue;
    const span = originalSpan(folded, m.index, m.index + m[0].length, text.length);
    if (!placeholders.some((p) => p.start < span.end && span.start < p.end)) spans.push(span);
  }
  return spans;
}

/** Folded names plus every ordered pair of the parts of a multi-word name, run together. */
export function foldedNameForms(list: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const name of list) {
    const folded = foldName(name).replace(/\s+/gu, " ").trim();
    forms.add(folded);
    const parts = folded.split(/[\s\-\u2010\u2011\u2013]+/u).filter((p) => letters(p) >= 2);
    for (const a of parts) for (const b of parts) if (a !== b) forms.add(`${a}${b}`);
  }
  return [...forms]
    .filter((form) => letters(form) >= 2 && !RESERVED_NAMES.has(form))
    .sort((a, b) => b.length - a.length || a.localeCompare(b));
}

function matcher(list: readonly string[]): RegExp | null {
  const key = list.join("\u0000");
  if (cache.has(key)) return cache.get(key) ?? null;
  const forms = foldedNameForms(list);
  const regex =
    forms.length === 0 ? null : new RegExp(`${BEFORE}(?:${forms.map(formPattern).join("|")})${AFTER}`, "gv");
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, regex);
  return regex;
}

function formPattern(form: string): string {
  return form
    .replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")
    .replace(/['\u2019]/g, "['\u2019]")
    .replace(/ /g, String.raw`\s+`);
}

function letters(text: string): number {
  return text.match(/\p{L}/gu)?.length ?? 0;
}

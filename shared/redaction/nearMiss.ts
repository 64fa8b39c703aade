/**
 * Near misses of the user's names: a word one edit (insertion, deletion, substitution or swap of
 * neighbours) away from a name part of five or more letters, compared in the folded text (see
 * fold.ts), or the exact part where redaction could not take it (glued to digits or underscores:
 * `marlowe_fan`, `Marlowe2`). These are flagged for review, never replaced silently: "Marlow" may
 * be a misspelt name or a town. A plural in -s ("the Lovelaces") is left alone.
 */
import { RESERVED_NAMES } from "./boundaries";
import { foldName, foldText, originalSpan } from "./fold";
import type { PersonalDataSpan } from "./types";

const MIN_PART_LETTERS = 5;
const TOKEN = /[\p{L}\p{M}\p{N}]+/gu;

export function findNearMissNames(text: string, nameList: readonly string[]): PersonalDataSpan[] {
  const parts = nameParts(nameList);
  if (parts.length === 0 || text.trim() === "") return [];
  const folded = foldText(text);
  const spans: PersonalDataSpan[] = [];
  for (const m of folded.text.matchAll(TOKEN)) {
    const token = m[0];
    if (!parts.some((part) => isNearMiss(token, part))) continue;
    const { start, end } = originalSpan(folded, m.index, m.index + token.length, text.length);
    spans.push({ kind: "name", start, end, text: text.slice(start, end) });
  }
  return spans;
}

/** The folded letter runs of every name with at least MIN_PART_LETTERS letters. */
function nameParts(nameList: readonly string[]): string[] {
  const parts = new Set<string>();
  for (const name of nameList) {
    for (const [part] of foldName(name).matchAll(/[\p{L}\p{M}]+/gu)) {
      if ([...part].length >= MIN_PART_LETTERS && !RESERVED_NAMES.has(part)) parts.add(part);
    }
  }
  return [...parts];
}

function isNearMiss(token: string, part: string): boolean {
  if (Math.abs(token.length - part.length) > 1 || token === `${part}s`) return false;
  return withinOneEdit(token, part);
}

/** Optimal string alignment distance ≤ 1, in linear time. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

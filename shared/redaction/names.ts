/**
 * Name redaction: every name the user goes by becomes `{{user}}`, longest first, case-insensitive.
 *
 * Word boundaries are Unicode-aware but ignore letters of scripts written without spaces (Han,
 * kana, Hangul, Thai…): `王芳` is found inside `我是王芳。` and `Ada` inside `私はAdaです`. The price is
 * that a CJK name is also replaced where it is only part of a longer word (さくら in さくらんぼ);
 * for a privacy filter that is the right side to err on.
 */

import { RESERVED_NAMES, WORD_CHAR } from "./boundaries";
import { findFoldedNames } from "./foldedNames";
import { dropOverlaps, replaceSpans, type Span } from "./spans";

/** `{{user}}`, `{{char}}`…: never touched, so a name like "User" cannot nest placeholders. */
const PLACEHOLDER = String.raw`\{\{[^\{\}\n]{0,40}\}\}`;
const CYRILLIC_ENDINGS =
  "ами|ями|ого|его|ому|ему|ой|ей|ою|ею|ом|ем|ым|им|ых|их|ам|ям|ах|ях|а|я|ы|и|е|у|ю|о|ь|й";
const MAX_CACHED = 16;

export interface NameMatch extends Span {
  text: string;
}

export interface NameRedaction {
  text: string;
  /** Offsets in the input text. */
  matches: NameMatch[];
}

/**
 * Every name and each part of a multi-word or hyphenated name (parts need 2+ letters), plus the
 * spellings without Latin diacritics ("Zoë" → "Zoe") and with "ss" for "ß", de-duplicated
 * case-insensitively, longest first.
 */
export function buildNameList(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  const add = (candidate: string) => {
    const name = candidate.replace(/\s+/gu, " ").trim();
    const key = name.toLowerCase();
    if (letterCount(name) < 2 || RESERVED_NAMES.has(key) || /[{}]/.test(name) || seen.has(key)) return;
    seen.set(key, name);
  };
  for (const raw of names) {
    const full = raw.normalize("NFC").trim();
    // "WEISS" is how "Weiß" is written in capitals; case-insensitive matching does not fold ß.
    for (const variant of new Set([full, stripLatinMarks(full), full.replace(/ß/g, "ss")])) {
      add(variant);
      for (const part of variant.split(/[\s\-\u2010\u2011\u2013]+/u)) add(trimPunctuation(part));
    }
  }
  return [...seen.values()].sort((a, b) => [...b].length - [...a].length || a.localeCompare(b));
}

/**
 * Replaces every name of `list` (from `buildNameList`) by `{{user}}`: as written (with the case
 * forms of Cyrillic names), and disguised (see foldedNames.ts). Each replacement covers exactly
 * the original characters of the name. `text` should be NFC.
 */
export function redactNames(text: string, list: readonly string[]): NameRedaction {
  if (list.length === 0 || text === "") return { text, matches: [] };
  const pattern = matcher(list);
  const exact: Span[] = [];
  for (const m of text.matchAll(pattern)) {
    if (m[1] === undefined && m[0].length > 0) exact.push({ start: m.index, end: m.index + m[0].length });
  }
  const spans = dropOverlaps([...exact, ...findFoldedNames(text, list)]);
  const matches = spans.map((s) => ({ ...s, text: text.slice(s.start, s.end) }));
  return {
    text: replaceSpans(
      text,
      spans.map((s) => ({ ...s, replacement: "{{user}}" })),
    ),
    matches,
  };
}

const cache = new Map<string, RegExp>();

function matcher(list: readonly string[]): RegExp {
  const key = list.join("\u0000");
  let regex = cache.get(key);
  if (!regex) {
    const alternatives = list.map(namePattern).join("|");
    regex = new RegExp(`(${PLACEHOLDER})|(?<!${WORD_CHAR})(?:${alternatives})(?!${WORD_CHAR})`, "giv");
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, regex);
  }
  return regex;
}

/** Spaces match any whitespace, apostrophes both ' and ’; Cyrillic names also match their case forms. */
function namePattern(name: string): string {
  const cyrillic = /^\p{sc=Cyrillic}{4,}$/u.test(name);
  const base = cyrillic ? name.replace(/[аяоеьйыи]$/iu, "") : name;
  const escaped = base
    .replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")
    .replace(/['\u2019]/g, "['\u2019]")
    .replace(/ /g, String.raw`\s+`);
  return cyrillic ? `${escaped}(?:${CYRILLIC_ENDINGS})?` : escaped;
}

function letterCount(text: string): number {
  return text.match(/\p{L}/gu)?.length ?? 0;
}

function stripLatinMarks(text: string): string {
  return text
    .normalize("NFD")
    .replace(/(\p{sc=Latin})\p{M}+/gu, "$1")
    .normalize("NFC");
}

function trimPunctuation(part: string): string {
  return part.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

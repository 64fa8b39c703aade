/**
 * Phone numbers. A candidate is a run of digit groups joined by single spaces, dots, dashes,
 * slashes or parentheses; it counts as a phone when some prefix of it has a recognisable shape:
 * international (`+CC …`, or `00CC …` with separators; 8-15 digits), North American
 * (`(555) 123-4567`, `555-123-4567`, `1-800-555-0199`) or national with a trunk 0
 * (`07700 900123`, `06 12 34 56 78`, `030 12345678`, `03-1234-5678`; 9-11 digits in groups of 2+).
 * Any other run of 7-15 digits counts only right after a word like "phone", "call" or "tel"
 * (`phone: 5551234567`); elsewhere (IDs, prices, dates, versions, IP addresses) it is left alone.
 */
import type { PersonalDataSpan } from "./types";

const GROUP = String.raw`(?:\(\d{1,5}\)|\d{1,12})`;
const SEPARATOR = String.raw`(?:[ .\-/]|(?<=\))|\s?(?=\())`;
const CANDIDATE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_+.\-/])(?:\+|00)?(?:\(\d{1,5}\)|\d{1,15})(?:${SEPARATOR}${GROUP}){0,7}(?![\p{L}\p{N}_])`,
  "gu",
);
const US = /^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}$/;
const PHONE_WORD =
  /(?:\b(?:tel|telephone|phone|call|cell|mobile|whats ?app|sms|text me|fax|ruf|handy|téléphone|portable|telefono|telefone)\b|電話|телефон|тел(?!\p{L}))\.?[^.\n\d]{0,16}$/iu;
const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?![\d.\-/])/;

export function findPhones(text: string): PersonalDataSpan[] {
  const found: PersonalDataSpan[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const cue = PHONE_WORD.test(text.slice(Math.max(0, match.index - 24), match.index));
    const length = longestPhonePrefix(match[0], cue);
    if (length > 0) {
      const start = match.index;
      found.push({ kind: "phone", start, end: start + length, text: match[0].slice(0, length) });
    }
  }
  return found;
}

/** The length of the longest prefix (ending after a digit group) that is a phone number, or 0. */
function longestPhonePrefix(candidate: string, cue: boolean): number {
  const ends: number[] = [];
  for (const m of candidate.matchAll(/\d(?!\d)\)?/g)) ends.push(m.index + m[0].length);
  for (let i = ends.length - 1; i >= 0; i--) {
    const prefix = candidate.slice(0, ends[i]);
    if (isPhone(prefix) || (cue && isCuedPhone(prefix))) return prefix.length;
  }
  return 0;
}

export function isPhone(text: string): boolean {
  const digits = text.replace(/\D/g, "").length;
  if (DATE.test(text)) return false;
  if (text.startsWith("+")) return digits >= 8 && digits <= 15;
  if (/^00[1-9]/.test(text)) return digits - 2 >= 8 && digits - 2 <= 15 && /[ .\-/(]/.test(text);
  if (US.test(text)) return true;
  if (!/^\(?0/.test(text) || digits < 9 || digits > 11) return false;
  // One kind of separator in a national number: "01.05.2023 12" is a date and a number.
  if (new Set(text.match(/[ .\-/]/g)).size > 1) return false;
  return text
    .split(/[ .\-/()]+/)
    .filter(Boolean)
    .every((group) => group.length >= 2);
}

/** After "phone:" or "call", any 7-15 digits that are not a date or a time. */
function isCuedPhone(text: string): boolean {
  const digits = text.replace(/\D/g, "").length;
  return digits >= 7 && digits <= 15 && !DATE.test(text);
}

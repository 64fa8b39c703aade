/**
 * A folded copy of a text for matching names however they were disguised: HTML entities decoded,
 * NFKC (fullwidth and other compatibility forms), invisible format characters removed (zero-width
 * spaces and joiners, word joiner, soft hyphen…), Cyrillic and Greek look-alikes of Latin letters
 * folded to Latin, accents on Latin letters dropped, ß as ss, lower case. Every unit of the folded
 * text remembers the span of the original it came from, so a match maps back to exactly the
 * original characters (a removed character inside a match is covered by it).
 */
import { ACCENT_ENTITIES, CONFUSABLES, NAMED_ENTITIES } from "./foldTables";
import type { Span } from "./spans";

export interface FoldedText {
  text: string;
  /** Original start and end of each UTF-16 unit of `text`. */
  starts: Int32Array;
  ends: Int32Array;
}

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]{2,20}));/y;

const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const MARK = /^\p{M}$/u;
const LATIN_LETTER = /^\p{sc=Latin}$/u;
/** ASCII but "&" (which may start an entity). */
const ASCII_RUN = /[^&\u0080-\uffff]+/y;

/**
 * One source character folded. Accents are dropped from Latin letters only (elsewhere marks are
 * vowels and tones); `leadingMarks` are dropped too when the previous character was Latin, and
 * `latin` is whether the piece ends in a Latin letter (null: only marks, the previous one counts).
 */
interface Piece {
  text: string;
  leadingMarks: number;
  latin: boolean | null;
}

const pieces = new Map<string, Piece>();
const MAX_PIECES = 4096;

class Builder {
  private parts: string[] = [];
  private length = 0;
  starts: Int32Array;
  ends: Int32Array;

  constructor(capacity: number) {
    this.starts = new Int32Array(Math.max(16, capacity));
    this.ends = new Int32Array(Math.max(16, capacity));
  }

  add(text: string, start: number, end: number, eachOwnSpan: boolean): void {
    this.reserve(text.length);
    for (let k = 0; k < text.length; k++) {
      this.starts[this.length + k] = eachOwnSpan ? start + k : start;
      this.ends[this.length + k] = eachOwnSpan ? start + k + 1 : end;
    }
    this.parts.push(text);
    this.length += text.length;
  }

  finish(): FoldedText {
    return {
      text: this.parts.join(""),
      starts: this.starts.subarray(0, this.length),
      ends: this.ends.subarray(0, this.length),
    };
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.starts.length) return;
    const size = Math.max(this.starts.length * 2, this.length + extra);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}

export function foldText(original: string): FoldedText {
  const out = new Builder(original.length);
  let lastLatin = false;
  let i = 0;
  while (i < original.length) {
    ASCII_RUN.lastIndex = i;
    const run = ASCII_RUN.exec(original);
    if (run) {
      // ASCII, the common case: only case folding applies, one unit for one.
      out.add(run[0].toLowerCase(), i, 0, true);
      const lastCode = run[0].charCodeAt(run[0].length - 1) | 0x20;
      lastLatin = lastCode >= 0x61 && lastCode <= 0x7a;
      i += run[0].length;
    } else {
      const entity = original.charCodeAt(i) === 0x26 ? decodeEntity(original, i) : null;
      const end = entity ? entity.end : i + ((original.codePointAt(i) ?? 0) > 0xffff ? 2 : 1);
      lastLatin = addFolded(out, entity ? entity.text : original.slice(i, end), i, end, lastLatin);
      i = end;
    }
  }
  return out.finish();
}

/** Folds the characters of `source` (which stand for original[start, end)); returns the new Latin state. */
function addFolded(out: Builder, source: string, start: number, end: number, lastLatin: boolean): boolean {
  let latin = lastLatin;
  for (const ch of source) {
    const piece = foldPiece(ch);
    const text = latin && piece.leadingMarks > 0 ? piece.text.slice(piece.leadingMarks) : piece.text;
    if (text !== "") out.add(text, start, end, false);
    if (piece.latin !== null) latin = piece.latin;
  }
  return latin;
}

function foldPiece(ch: string): Piece {
  const known = pieces.get(ch);
  if (known) return known;
  let text = "";
  let leadingMarks = 0;
  let latin: boolean | null = null;
  for (const part of foldChar(ch)) {
    const isMark = MARK.test(part);
    if (isMark && latin === true) continue;
    if (isMark && latin === null) leadingMarks += part.length;
    if (!isMark) latin = LATIN_LETTER.test(part);
    text += part;
  }
  const piece = { text, leadingMarks, latin };
  if (pieces.size >= MAX_PIECES) pieces.clear();
  pieces.set(ch, piece);
  return piece;
}

/** The folded form of a name (for matching against `foldText(...).text`). */
export function foldName(name: string): string {
  return foldText(name).text;
}

/**
 * The original span of folded units [start, end). It reaches over what folding dropped right after
 * it (an accent written as a combining mark, a zero-width character), so that nothing of a
 * replaced name is left behind; `length` is the original text's length.
 */
export function originalSpan(folded: FoldedText, start: number, end: number, length: number): Span {
  const last = folded.ends[end - 1] as number;
  const next = end < folded.starts.length ? (folded.starts[end] as number) : length;
  return { start: folded.starts[start] as number, end: Math.max(last, next) };
}

/**
 * One character compatibility-normalised, decomposed and in lower case, look-alikes folded,
 * invisible ones gone (lower case first: the look-alike table is keyed by lower-case letters).
 */
function foldChar(ch: string): string {
  if (IGNORABLE.test(ch)) return "";
  let out = "";
  for (const part of ch.normalize("NFKC").normalize("NFD").toLowerCase().normalize("NFD")) {
    if (IGNORABLE.test(part)) continue;
    out += CONFUSABLES[part] ?? part;
  }
  return out;
}

function decodeEntity(text: string, at: number): { text: string; end: number } | null {
  ENTITY.lastIndex = at;
  const m = ENTITY.exec(text);
  if (!m) return null;
  const end = at + m[0].length;
  if (m[1] !== undefined || m[2] !== undefined) {
    const code = m[1] !== undefined ? Number(m[1]) : Number.parseInt(m[2] as string, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
    return { text: String.fromCodePoint(code), end };
  }
  const name = m[3] as string;
  const named = NAMED_ENTITIES[name];
  if (named !== undefined) return { text: named, end };
  const accent = /^([A-Za-z])(acute|grave|circ|uml|tilde|ring|cedil|caron)$/.exec(name);
  if (accent) return { text: `${accent[1]}${ACCENT_ENTITIES[accent[2] as string]}`, end };
  return null;
}

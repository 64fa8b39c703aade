/**
 * Redaction under random disguises: a user's name, written with any mix of the tricks below and
 * put in any context, never survives name redaction, and the replacement covers exactly the
 * characters of the disguised name. Random text never makes the redaction or the scan throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactField } from "../../../shared/redaction/document";
import { findFoldedNames } from "../../../shared/redaction/foldedNames";
import { buildNameList, redactNames } from "../../../shared/redaction/names";
import { scanPersonalData } from "../../../shared/redaction/scan";
import { awkwardString } from "./arbitraries";
import { fuzzOptions, fuzzTimeout } from "./runs";

const NAMES = [
  "Zoë Marlowe",
  "Ada Lovelace",
  "Jürgen Weiß",
  "Sam O'Neil",
  "Ольга Петрова",
  "Marie-Claire Dubois",
];
const INVISIBLE = ["\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\uFEFF"];
const CYRILLIC: Record<string, string> = {
  a: "а",
  e: "е",
  o: "о",
  p: "р",
  c: "с",
  x: "х",
  y: "у",
  A: "А",
  E: "Е",
  O: "О",
  M: "М",
  K: "К",
  T: "Т",
};

type Trick = "invisible" | "case" | "fullwidth" | "cyrillic" | "entity" | "accent";
const TRICKS: Trick[] = ["invisible", "case", "fullwidth", "cyrillic", "entity", "accent"];

/** Applies tricks to the characters of `name`; each (trick, position) pair hits one character. */
function disguise(name: string, edits: [Trick, number][]): string {
  const chars = [...name];
  for (const [trick, at] of edits) {
    const i = at % chars.length;
    const ch = chars[i] as string;
    if (!/^[A-Za-z]$/.test(ch) && trick !== "invisible" && trick !== "case") continue;
    if (trick === "invisible") chars[i] = `${ch}${INVISIBLE[at % INVISIBLE.length]}`;
    else if (trick === "case") chars[i] = at % 2 ? ch.toUpperCase() : ch.toLowerCase();
    else if (trick === "fullwidth") chars[i] = String.fromCodePoint((ch.codePointAt(0) as number) + 0xfee0);
    else if (trick === "cyrillic") chars[i] = CYRILLIC[ch] ?? ch;
    else if (trick === "entity")
      chars[i] = at % 2 ? `&#${ch.codePointAt(0)};` : `&#x${(ch.codePointAt(0) as number).toString(16)};`;
    else if (trick === "accent") chars[i] = `${ch}\u0301`;
  }
  return chars.join("");
}

const context = fc.constantFrom("", " ", "I am ", "Hi, ", "\n", "*", '"', "(", "_", "— ");
const after = fc.constantFrom("", " ", ".", "!", "'s", "s' house", "\n", "*", '"', ")", "_", " —");

describe("fuzzed redaction", { timeout: fuzzTimeout() }, () => {
  it("a disguised name never survives, and exactly its characters are replaced", () => {
    const nameAndForm = fc
      .constantFrom(...NAMES)
      .chain((full) =>
        fc.tuple(
          fc.constant(full),
          fc.constantFrom(full, ...full.split(/[\s-]/).filter((p) => p.length >= 2)),
          fc.array(fc.tuple(fc.constantFrom(...TRICKS), fc.nat()), { maxLength: 6 }),
        ),
      );
    fc.assert(
      fc.property(nameAndForm, context, after, ([full, form, edits], before, end) => {
        const list = buildNameList([full]);
        const name = disguise(form, edits);
        const text = `${before}${name}${end}`;
        const result = redactNames(text, list);
        expect(findFoldedNames(result.text, list)).toEqual([]);
        expect(result.matches.map((m) => m.text)).toContain(name);
        for (const m of result.matches) expect(text.slice(m.start, m.end)).toBe(m.text);
      }),
      fuzzOptions(500),
    );
  });

  it("random text never makes name redaction, the scan or a field's redaction throw", () => {
    const text = fc.oneof(
      awkwardString,
      fc.string({ unit: "grapheme", maxLength: 120 }),
      fc
        .array(
          fc.constantFrom(
            "Zoë",
            "&#",
            "&amp;",
            ";",
            "_",
            "Marl",
            "owe",
            "\u200B",
            "ｏ",
            "{{user}}",
            " ",
            "s'",
          ),
          { maxLength: 16 },
        )
        .map((p) => p.join("")),
    );
    const list = buildNameList(["Zoë Marlowe"]);
    fc.assert(
      fc.property(text, (t) => {
        const result = redactNames(t, list);
        let previous = -1;
        for (const m of result.matches) {
          expect(m.start).toBeGreaterThanOrEqual(previous);
          expect(m.end).toBeGreaterThan(m.start);
          expect(m.end).toBeLessThanOrEqual(t.length);
          previous = m.end;
        }
        for (const span of scanPersonalData(result.text, list)) {
          expect(result.text.slice(span.start, span.end)).toBe(span.text);
        }
        const location = { chatId: 1, characterId: 1, field: "message" as const, messageIndex: 0 };
        expect(() => redactField(t, location, "chat1:m0", list)).not.toThrow();
      }),
      fuzzOptions(500),
    );
  });
});

import { describe, expect, it } from "vitest";
import { buildNameList, redactNames } from "../../../shared/redaction/names";

const redact = (text: string, names: string[]) => redactNames(text, buildNameList(names)).text;

describe("buildNameList", () => {
  it("adds each part, spellings without diacritics and with ss, drops short parts and duplicates, longest first", () => {
    expect(buildNameList(["Ada Lovelace", "ada", "J. Weiß", "Zoë", "X"])).toEqual([
      "Ada Lovelace",
      "J. Weiss",
      "Lovelace",
      "J. Weiß",
      "Weiss",
      "Weiß",
      "Ada",
      "Zoe",
      "Zoë",
    ]);
  });

  it("splits hyphenated names and ignores Masque's default name and the macro words", () => {
    expect(buildNameList(["Jean-Luc", "User", "you", "{{user}}"])).toEqual(["Jean-Luc", "Jean", "Luc"]);
    expect(buildNameList([])).toEqual([]);
  });
});

describe("redactNames", () => {
  const names = ["Ada Lovelace"];

  it("replaces names at any position, in any case, keeping possessives and punctuation", () => {
    expect(redact('Ada walked in. I am Ada. "Ada," she said. Ada\'s sword, Ada’s cloak.', names)).toBe(
      '{{user}} walked in. I am {{user}}. "{{user}}," she said. {{user}}\'s sword, {{user}}’s cloak.',
    );
    expect(redact("ADA LOVELACE! hey ada lovelace (Lovelace)", names)).toBe(
      "{{user}}! hey {{user}} ({{user}})",
    );
    expect(redact("Ada\nLovelace and *Ada smiles*", names)).toBe("{{user}} and *{{user}} smiles*");
  });

  it("does not touch longer words, other names, or placeholders", () => {
    const text =
      "Adam is adamant in Canada; Adalbert read Lovelaces; ada_l and Ada2 too. {{user}} and {{char}}";
    expect(redact(text, names)).toBe(text);
    expect(redact("The user saw {{User}} and {{user}}.", ["User"])).toBe(
      "The user saw {{User}} and {{user}}.",
    );
  });

  it("uses Unicode letters for boundaries, and finds names inside text written without spaces", () => {
    expect(redact("Zoë, Zoe and ZOË; Zoëlle stays", ["Zoë"])).toBe(
      "{{user}}, {{user}} and {{user}}; Zoëlle stays",
    );
    expect(redact("Jürgen und JÜRGEN, nicht Jürgens2", ["Jürgen"])).toBe(
      "{{user}} und {{user}}, nicht Jürgens2",
    );
    expect(redact("我是王芳。私はAdaです。王芳的书", ["王芳", "Ada"])).toBe(
      "我是{{user}}。私は{{user}}です。{{user}}的书",
    );
    // The documented price of matching inside CJK text: a name inside a longer word is replaced too.
    expect(redact("さくらんぼ", ["さくら"])).toBe("{{user}}んぼ");
  });

  it("matches the case forms of Cyrillic names but not longer words", () => {
    expect(redact("Ольга, с Ольгой, у Ольги, Ольгу; Ольгинский стоит", ["Ольга"])).toBe(
      "{{user}}, с {{user}}, у {{user}}, {{user}}; Ольгинский стоит",
    );
  });

  it("escapes regular-expression characters and matches both apostrophes", () => {
    expect(redact("Sam O’Neil met (a.b)", ["Sam O'Neil", "(a.b)"])).toBe("{{user}} met {{user}}");
    expect(redact("axb", ["a.b"])).toBe("axb");
  });

  it("reports each match with its offsets in the input", () => {
    const result = redactNames("Hi Ada, ADA!", buildNameList(["Ada"]));
    expect(result.matches).toEqual([
      { start: 3, end: 6, text: "Ada" },
      { start: 8, end: 11, text: "ADA" },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { countField, emptyCounts, finishField, redactField } from "../../../shared/redaction/document";
import { foldText } from "../../../shared/redaction/fold";
import { buildNameList, redactNames } from "../../../shared/redaction/names";
import { findNearMissNames } from "../../../shared/redaction/nearMiss";

const NAMES = buildNameList(["Zoë Marlowe"]);
const redact = (text: string) => redactNames(text, NAMES);

describe("names in disguise", () => {
  it.each([
    ["zero-width space", "I am Mar\u200Blowe.", "Mar\u200Blowe"],
    ["zero-width non-joiner", "I am Marl\u200Cowe.", "Marl\u200Cowe"],
    ["zero-width joiner", "I am Z\u200Doë.", "Z\u200Doë"],
    ["word joiner", "I am Marlo\u2060we.", "Marlo\u2060we"],
    ["soft hyphen", "I am Mar\u00ADlowe.", "Mar\u00ADlowe"],
    ["Markdown emphasis", "I am _Marlowe_.", "Marlowe"],
    ["strong emphasis", "I am __Zoë__.", "Zoë"],
    ["parts run together", "I am ZoëMarlowe.", "ZoëMarlowe"],
    ["parts run together, reversed", "I am MarloweZoë.", "MarloweZoë"],
    ["plural possessive", "the Marlowes' house", "Marlowe"],
    ["fullwidth letters", "I am Ｍａｒｌｏｗｅ.", "Ｍａｒｌｏｗｅ"],
    ["Cyrillic look-alike", "I am M\u0430rlowe.", "M\u0430rlowe"],
    ["Greek look-alike", "I am \u039Carlowe.", "\u039Carlowe"],
    ["an accent added", "I am Marlowé.", "Marlowé"],
    ["a decomposed accent", "I am Zoe\u0308.", "Zoe\u0308"],
    ["an HTML entity", "I am Marl&#111;we.", "Marl&#111;we"],
    ["a hex HTML entity", "I am Marl&#x6F;we.", "Marl&#x6F;we"],
    ["a named accent entity", "I am Zo&euml;.", "Zo&euml;"],
    ["mathematical letters", "I am 𝐌𝐚𝐫𝐥𝐨𝐰𝐞.", "𝐌𝐚𝐫𝐥𝐨𝐰𝐞"],
    ["several at once", "I am ＺＯ\u200BЁ M\u0430rl&#111;we!", "ＺＯ\u200BЁ M\u0430rl&#111;we"],
  ])("%s: %j", (_, text, name) => {
    const result = redact(text);
    expect(result.matches.map((m) => m.text)).toEqual([name]);
    // Exactly the original characters are replaced, nothing around them.
    const at = text.indexOf(name);
    expect(result.text).toBe(`${text.slice(0, at)}{{user}}${text.slice(at + name.length)}`);
  });

  it("replaces each disguise where it is, with offsets in the input", () => {
    const text = "Z\u200Boë and _Marlowe_ met Ｍａｒｌｏｗｅ.";
    const result = redact(text);
    expect(result.text).toBe("{{user}} and _{{user}}_ met {{user}}.");
    for (const m of result.matches) expect(text.slice(m.start, m.end)).toBe(m.text);
  });

  it.each([
    "Marlowesque prose",
    "the Marlowes were here",
    "Zoey and Zoël",
    "marlowe_fan and fan_marlowe",
    "Marlowe2 and 2Marlowe",
    "{{user}} and {{char}}",
    "M&amp;M and &lt;Marlo&gt;",
    "Märchen, Moe, Zoo",
  ])("leaves %j alone", (text) => {
    expect(redact(text).text).toBe(text);
  });

  it("keeps placeholders whole even when a folded name would reach into them", () => {
    expect(redactNames("{{User}} and User", buildNameList(["Us er"])).text).toBe("{{User}} and User");
  });
});

describe("near misses of a name", () => {
  const near = (text: string) => findNearMissNames(text, NAMES).map((s) => s.text);

  it.each([
    ["a letter missing", "Marlow", "Marlow"],
    ["a letter changed", "Marlove", "Marlove"],
    ["a letter added", "Marloewe", "Marloewe"],
    ["neighbours swapped", "Mralowe", "Mralowe"],
    ["glued to an underscore", "marlowe_fan", "marlowe"],
    ["glued to digits", "Marlowe2", "Marlowe2"],
    ["in disguise and misspelt", "Ｍａｒｌｏｗ", "Ｍａｒｌｏｗ"],
  ])("flags %s: %j", (_, text, flagged) => {
    expect(near(`I am ${text}, hello.`)).toEqual([flagged]);
  });

  it.each(["Marlowes", "Zoey and Zoe", "Harlow", "marble mallow", "Marl", "{{user}}"])(
    "leaves %j alone",
    (text) => {
      expect(near(text)).toEqual([]);
    },
  );

  it("flags it for review in the export's field, replaced only when accepted", () => {
    const location = { chatId: 1, characterId: 1, field: "message" as const, messageIndex: 1 };
    const field = redactField("Zoë? No, Zoe Marlow.", location, "chat1:m1", NAMES);
    expect(field.text).toBe("{{user}}? No, {{user}} Marlow.");
    expect(field.flagged).toEqual([
      expect.objectContaining({
        kind: "name",
        text: "Marlow",
        replacement: "{{user}}",
        id: "chat1:m1:23-29",
      }),
    ]);
    expect(finishField(field, () => false)).toBe("{{user}}? No, {{user}} Marlow.");
    expect(finishField(field, () => true)).toBe("{{user}}? No, {{user}} {{user}}.");
    const counts = emptyCounts();
    countField(counts, field, () => true);
    expect(counts).toEqual({ names: 3, emails: 0, phones: 0, urls: 0, other: 0 });
  });
});

describe("foldText", () => {
  it("folds both cases of a look-alike letter alike (found by fuzzing: ПетроВа did not match Петрова)", () => {
    expect(foldText("ПетроВа ВЕРА Мarlowe").text).toBe(foldText("петрова вера мarlowe").text);
    const list = buildNameList(["Ольга Петрова"]);
    expect(redactNames("Ольга ПетроВаs' house", list).text).toBe("{{user}}s' house");
  });

  it("maps every folded unit back to the original characters it came from", () => {
    const folded = foldText("A&#66;\u200BＣé\u0301ß");
    expect(folded.text).toBe("abcess");
    expect(Array.from(folded.starts)).toEqual([0, 1, 7, 8, 10, 10]);
    expect(Array.from(folded.ends)).toEqual([1, 6, 8, 9, 11, 11]);
  });
});

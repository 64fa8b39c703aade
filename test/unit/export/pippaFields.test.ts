import { describe, expect, it } from "vitest";
import {
  botIdFor,
  characterFields,
  messageText,
  rebuildDefinitions,
} from "../../../electron/services/export/pippaFields";
import { splitDefinitions } from "../../../electron/services/import/pippaText";
import { type CardData, emptyCardData } from "../../../shared/domain/card";

const card = (fields: Partial<CardData>): CardData => ({ ...emptyCardData("Mira"), ...fields });

describe("botIdFor", () => {
  it("is 43 URL-safe characters from name, description and greeting, and stable", () => {
    const a = botIdFor(card({ description: "x", first_mes: "hi" }));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(botIdFor(card({ description: "x", first_mes: "hi", tags: ["other"] }))).toBe(a);
    expect(botIdFor(card({ description: "y", first_mes: "hi" }))).not.toBe(a);
  });

  it("keeps a PIPPA character's own id", () => {
    expect(botIdFor(card({ extensions: { pippa: { bot_id: " ABC " } } }))).toBe("ABC");
  });
});

describe("bot_definitions and bot_description", () => {
  it("rebuilds {{char}}/{{user}} blocks closed by END_OF_DIALOG, or null", () => {
    expect(
      rebuildDefinitions("<START>\n{{user}}: Hi\n{{char}}: Hello\n<START>\n<BOT>: Again\n<USER>: ok"),
    ).toBe("{{user}}: Hi\n{{char}}: Hello\nEND_OF_DIALOG\n{{char}}: Again\n{{user}}: ok\nEND_OF_DIALOG");
    expect(rebuildDefinitions("")).toBeNull();
    expect(rebuildDefinitions("<START>\n")).toBeNull();
  });

  it("gives back what the importer splits into the same examples", () => {
    const examples = "<START>\n{{user}}: Hi\n{{char}}: Hello\n<START>\n{{char}}: Again";
    expect(splitDefinitions(rebuildDefinitions(examples) as string).examples).toBe(examples);
  });

  it("emits PIPPA's original definitions while the examples are unchanged, without repeating their free text", () => {
    const raw = "Tracks inventory.\r\n{{char}}: Welcome.\n{{random_user_1}}: Hi\nEND_OF_DIALOG";
    const split = splitDefinitions(raw);
    const imported = card({
      description: `A game.\n\n${split.freeText}`,
      mes_example: split.examples,
      extensions: { pippa: { bot_id: "A", bot_definitions_raw: raw } },
    });
    expect(characterFields(imported)).toEqual({
      definitions: raw.replace("\r\n", "\n"),
      description: "A game.",
    });
    const edited = { ...imported, mes_example: "<START>\n{{char}}: New." };
    expect(characterFields(edited)).toEqual({
      definitions: "{{char}}: New.\nEND_OF_DIALOG",
      description: "A game.\n\nTracks inventory.",
    });
  });

  it("folds personality and scenario into the description; null when all are empty", () => {
    expect(characterFields(card({ personality: "Kind.", scenario: "A port." })).description).toBe(
      "Personality: Kind.\n\nScenario: A port.",
    );
    expect(characterFields(card({})).description).toBeNull();
  });
});

describe("messageText", () => {
  it("writes the character's name out and normalises the user's placeholders as PIPPA's importer does", () => {
    expect(
      messageText("{{char}} waves at {{User}} and [REDACTED]\r\n<BOT> <USER> {{random_user_2}}", "Mira"),
    ).toBe("Mira waves at {{user}} and {{user}}\nMira {{user}} {{user}}");
    expect(messageText("Zoe\u0308", "Mira")).toBe("Zoë");
  });
});

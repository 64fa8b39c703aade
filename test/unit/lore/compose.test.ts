import { describe, expect, it } from "vitest";
import { readLorebookFile } from "../../../electron/services/lore/readLorebookFile";
import { assemblePrompt, promptText } from "../../../shared/prompt/assemble";
import { composeLore } from "../../../shared/prompt/lore/compose";
import { DEFAULT_LORE_SETTINGS } from "../../../shared/prompt/lore/types";
import { CHATML } from "../../../shared/prompt/template";
import { CHARACTER_BOOK, fixtureBytes } from "./fixtures";

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;
const book = { key: "character:1", ...readLorebookFile(fixtureBytes(CHARACTER_BOOK), CHARACTER_BOOK).book };
const history = [
  { id: 1, role: "character" as const, text: "Welcome to the harbor." },
  { id: 2, role: "user" as const, text: "Where is Captain Rell?" },
];

describe("composeLore", () => {
  it("fires, budgets and places lore, the note and the persona for assemblePrompt", () => {
    const lore = composeLore({
      books: [book],
      history,
      settings: DEFAULT_LORE_SETTINGS,
      seed: 1,
      contextSize: 4096,
      countTokens: countWords,
      mode: "cache",
      note: { text: "Rain is coming.", depth: 0, every: 1 },
      persona: { id: 4, text: "{{user}} owns a boat.", position: "prefix", depth: 0 },
      names: { char: "Aria", user: "Sam" },
    });
    expect(lore.activation.fired.map((f) => [f.id, f.reason])).toEqual([
      ["character:1#1", { kind: "key", key: "harbor", messageId: 1, secondary: [] }],
      ["character:1#2", { kind: "key", key: "Captain Rell", messageId: 2, secondary: [] }],
    ]);
    expect(lore.budget.dropped).toEqual([]);
    const prompt = assemblePrompt({
      character: { name: "Aria", description: "Aria runs the harbor office.", personality: "", scenario: "" },
      userName: "Sam",
      history,
      template: CHATML,
      contextSize: 4096,
      maxReplyTokens: 100,
      countTokens: countWords,
      ...lore.fields,
    });
    expect(prompt.blocks.map((b) => b.kind)).toEqual([
      "system",
      "persona",
      "user-persona",
      "system-end",
      "message",
      "lore",
      "message",
      // At the same place the steadier block comes first: the note, then lore that comes and goes.
      "note",
      "lore",
      "reply-prefix",
    ]);
    const text = promptText(prompt.blocks);
    expect(text).toContain("Sam's persona: Sam owns a boat.");
    expect(text).toContain("Captain Rell owes money to Sam.");
  });

  it("reports what the budget dropped", () => {
    const lore = composeLore({
      books: [book],
      history,
      settings: { ...DEFAULT_LORE_SETTINGS, budgetPercent: 1 },
      seed: 1,
      contextSize: 1000,
      countTokens: countWords,
      mode: "cache",
    });
    expect(lore.budget.kept.map((k) => k.id)).toEqual(["character:1#1"]);
    expect(lore.budget.dropped).toEqual([
      {
        id: "character:1#2",
        tokens: 6,
        reason: "the lore budget is 10 tokens (1% of 1000); fired entries needed 15",
      },
    ]);
    expect(lore.fields.inserts?.map((i) => i.entryIds)).toEqual([["character:1#1"]]);
  });
});

/** The group chat's prompt character: every member's card with its own name, the speaker's instructions. */
import { describe, expect, it } from "vitest";
import { assemblePrompt, promptText } from "../../../shared/prompt/assemble";
import { groupCharacter, groupSystemPrompt } from "../../../shared/prompt/group";
import { CHATML, PYGMALION } from "../../../shared/prompt/template";

const anna = {
  name: "Anna",
  description: "{{char}} grows roses for {{user}}.",
  personality: "kind",
  scenario: "A garden.",
  mes_example: "{{user}}: Hi\n{{char}}: Hello!",
  post_history_instructions: "Answer as {{char}}, briefly.",
};
const otto = { name: "Otto", description: "<BOT> fixes clocks.", personality: "", scenario: "" };

describe("groupCharacter", () => {
  it("writes every card with its own name and keeps {{user}} for later", () => {
    const character = groupCharacter([anna, otto], otto);
    expect(character.name).toBe("Otto");
    expect(character.description).toBe(
      "[Anna]\nAnna grows roses for {{user}}.\nAnna's personality: kind\nScenario: A garden.\n\n[Otto]\nOtto fixes clocks.",
    );
    expect(character.mes_example).toBe("<START>\n{{user}}: Hi\nAnna: Hello!");
    expect(character.post_history_instructions).toBe("");
    expect(groupCharacter([anna, otto], anna).post_history_instructions).toBe("Answer as Anna, briefly.");
  });

  it("names the members in the group system prompt", () => {
    expect(groupSystemPrompt(["Anna", "Otto", "Mia"])).toContain("between {{user}} and Anna, Otto and Mia.");
  });

  it.each([
    ["chatml", CHATML, "<|im_start|>assistant\nOtto:"],
    ["pygmalion", PYGMALION, "Otto:"],
  ] as const)("opens each character turn with its writer's name (%s)", (_id, template, ending) => {
    const prompt = assemblePrompt({
      character: groupCharacter([anna, otto], otto),
      userName: "Sam",
      history: [
        { id: 1, role: "character", text: "Welcome!", speaker: "Anna" },
        { id: 2, role: "user", text: "Otto, the time?" },
      ],
      template,
      groupNames: ["Anna", "Otto"],
      contextSize: 4096,
      maxReplyTokens: 64,
      countTokens: (t) => t.length,
    });
    const text = promptText(prompt.blocks);
    expect(text.endsWith(ending)).toBe(true);
    expect(text).toContain("Anna: Welcome!");
    expect(text).toContain("[Otto]\nOtto fixes clocks.");
    expect(prompt.stopStrings).toEqual(expect.arrayContaining(["\nAnna:", "\nOtto:"]));
  });
});

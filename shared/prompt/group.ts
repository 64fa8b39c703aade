/**
 * The character side of a group chat's prompt, a pure function. Every member's card goes into the
 * static prefix, in member order, each written out with its own name; the one who speaks next is
 * named only by the open reply header at the very end. The prefix therefore stays byte-identical
 * whoever speaks, and the KV cache is reused across speaker changes (swapping the speaker's card
 * into the prefix would re-evaluate the whole prompt every time the speaker changes).
 */
import type { PromptCharacter } from "./assemble";
import { applyMacros } from "./macros";

export interface GroupCard {
  name: string;
  description: string;
  personality: string;
  scenario: string;
  mes_example?: string;
  post_history_instructions?: string;
}

export function groupSystemPrompt(names: readonly string[]): string {
  return (
    `Write the next reply in a fictional role-play group chat between {{user}} and ${joinNames(names)}. ` +
    "Write only as the character whose turn it is, and stay in character."
  );
}

/**
 * One prompt character for the whole group: `name` is the speaker, the description holds every
 * member's card, the examples every member's dialogues, and the post-history instructions are the
 * speaker's own (they come after the history, so swapping them costs only their own tokens).
 */
export function groupCharacter(members: readonly GroupCard[], speaker: GroupCard): PromptCharacter {
  const own = (text: string | undefined, name: string) =>
    applyMacros(text ?? "", { char: name, user: "{{user}}" }).trim();
  const description = members
    .map((m) => {
      const lines = [`[${m.name}]`, own(m.description, m.name)];
      if (m.personality.trim()) lines.push(`${m.name}'s personality: ${own(m.personality, m.name)}`);
      if (m.scenario.trim()) lines.push(`Scenario: ${own(m.scenario, m.name)}`);
      return lines.filter((l) => l !== "").join("\n");
    })
    .join("\n\n");
  const examples = members
    .map((m) => own(m.mes_example, m.name))
    .filter((e) => e !== "")
    .map((e) => (/^<START>/i.test(e) ? e : `<START>\n${e}`))
    .join("\n");
  return {
    name: speaker.name,
    description,
    personality: "",
    scenario: "",
    mes_example: examples,
    post_history_instructions: own(speaker.post_history_instructions, speaker.name),
  };
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

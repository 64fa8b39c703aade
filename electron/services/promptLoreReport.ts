/** The lore part of `chats.prompt`: why each entry fired, where it went, what was dropped or left out. */
import type { FiredLoreView, PromptLoreReport } from "../../shared/domain/promptLore";
import type { FireReason } from "../../shared/prompt/lore/types";
import type { BuiltPrompt } from "./promptBuilder";

export function loreReport(prompt: BuiltPrompt): PromptLoreReport {
  const lore = prompt.lore;
  const placedAt = new Map<string, string>();
  for (const block of prompt.blocks) {
    for (const id of block.entryIds ?? []) placedAt.set(id, placeOf(prompt, block));
  }
  const fired: FiredLoreView[] = (lore?.budget.kept ?? []).map((f) => {
    return {
      id: f.id,
      book: prompt.loreBooks[f.bookKey] ?? f.bookKey,
      name: f.entry.name || f.entry.keys.join(", ") || `entry ${f.entry.uid}`,
      why: why(f.reason),
      messageId: f.reason.kind === "key" ? f.reason.messageId : null,
      placed: placedAt.get(f.id) ?? null,
      tokens: f.tokens,
    };
  });
  const personaBlock = prompt.blocks.find((b) => b.entryIds?.some((id) => id.startsWith("persona:")));
  const personaId = personaBlock?.entryIds?.find((id) => id.startsWith("persona:"));
  const noteBlock = prompt.blocks.find((b) => b.kind === "note");
  return {
    fired,
    dropped: lore?.budget.dropped ?? [],
    unplaced: lore?.unplaced ?? [],
    skipped: lore?.activation.skipped ?? [],
    problems: prompt.loreProblems,
    budget: lore?.budget.budget ?? 0,
    used: lore?.budget.used ?? 0,
    persona: personaId ? { id: Number(personaId.slice("persona:".length)), name: prompt.userName } : null,
    note: noteBlock && prompt.note ? { ...prompt.note } : null,
  };
}

function why(reason: FireReason): string {
  const secondary = (keys: string[]) =>
    keys.length > 0 ? ` (with ${keys.map((k) => `"${k}"`).join(", ")})` : "";
  switch (reason.kind) {
    case "constant":
      return "constant";
    case "key":
      return `key "${reason.key}" in message ${reason.messageId || "being sent"}${secondary(reason.secondary)}`;
    case "recursion":
      return `key "${reason.key}" in the content of ${reason.fromEntry}${secondary(reason.secondary)}`;
  }
}

function placeOf(prompt: BuiltPrompt, block: BuiltPrompt["blocks"][number]): string {
  if (block.messageId !== null) return `message ${block.messageId}`;
  const index = prompt.blocks.indexOf(block);
  const before = prompt.blocks.slice(0, index).findLast((b) => b.messageId !== null);
  if (block.kind === "note")
    return before ? `author's note after message ${before.messageId}` : "author's note";
  if (before) return `after message ${before.messageId || "being sent"}`;
  const character = prompt.blocks.findIndex((b) => b.kind === "persona");
  const chatStart = prompt.blocks.findIndex((b) => b.kind === "chat-start");
  if (character >= 0 && index < character) return "before the character";
  if (chatStart < 0 || index < chatStart) return "after the character";
  return "before the first message";
}

/**
 * Metharme JSONL (pippa-formats.md 1.8): `{prompt, generation}` where the prompt is a
 * `<|system|>` persona turn followed by the conversation so far as `<|user|>`/`<|model|>` turns,
 * no separators, ending with `<|model|>`; the generation is the character's reply. Mode "turn"
 * gives one record per reply, "chat" one per chat (its last reply). The greeting is context, never
 * a generation: it was written by the card's author, not generated as a reply.
 */
import type { RedactionCounts } from "../../../shared/redaction/types";
import type { Acceptance, RedactedChat, RedactionRun } from "./redactionRun";

export type MetharmeMode = "turn" | "chat";

export interface MetharmeLines {
  text: string;
  records: number;
  chats: number;
  messages: number;
  redactions: RedactionCounts;
}

export function metharmeLines(run: RedactionRun, choice: Acceptance, mode: MetharmeMode): MetharmeLines {
  const accepted = run.acceptance(choice);
  const records: { prompt: string; generation: string }[] = [];
  for (const chat of run.chats) records.push(...chatRecords(run, chat, accepted, mode));
  return {
    text: records.map((r) => `${JSON.stringify(r)}\n`).join(""),
    records: records.length,
    chats: run.chats.length,
    messages: run.messageCount(),
    redactions: run.counts(accepted),
  };
}

function chatRecords(
  run: RedactionRun,
  chat: RedactedChat,
  accepted: (id: string) => boolean,
  mode: MetharmeMode,
) {
  const name = chat.character.botName;
  const persona = run.text(chat.character.description, accepted)?.replace(/\{\{char\}\}/g, name);
  const system =
    `<|system|>Enter RP mode. Pretend to be ${name} whose persona follows:\n${persona ?? name}\n\n` +
    `You must stay in character at all times and reply as ${name}.`;
  const turns = chat.turns.map((t) => ({ text: run.text(t.field, accepted) as string, isHuman: t.isHuman }));
  const rendered = turns.map((t) => `${t.isHuman ? "<|user|>" : "<|model|>"}${t.text}`);
  const firstHuman = turns.findIndex((t) => t.isHuman);
  const replies = turns.flatMap((t, i) => (!t.isHuman && firstHuman !== -1 && i > firstHuman ? [i] : []));
  const chosen = mode === "chat" ? replies.slice(-1) : replies;
  return chosen.map((i) => ({
    prompt: `${system}${rendered.slice(0, i).join("")}<|model|>`,
    generation: turns[i]?.text ?? "",
  }));
}

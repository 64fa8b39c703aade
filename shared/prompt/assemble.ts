/**
 * Prompt assembly, a pure function: card + user + chat path + template + budget -> ordered blocks
 * with token counts, and a report of what was dropped.
 *
 * Layout: [persona (static prefix)] [conversation start] [kept history] [reply prefix].
 * The persona and the last user turn are never dropped; old turns go first, evicted in whole
 * chunks of messages so that the kept history starts at the same message for many turns in a row
 * (the prompt prefix then stays identical and the KV cache is reused).
 */
import { MasqueError } from "../errors";
import { applyMacros } from "./macros";
import type { PromptTemplate } from "./template";

export interface PromptPiece {
  text: string;
  /** Template markup made of control tokens (see PromptTemplate.special). */
  special: boolean;
}

export type BlockKind = "persona" | "conversation-start" | "message" | "reply-prefix";

export interface PromptBlock {
  kind: BlockKind;
  messageId: number | null;
  pieces: PromptPiece[];
  tokens: number;
}

export interface PromptCharacter {
  name: string;
  description: string;
  personality: string;
  scenario: string;
}

export interface PromptMessage {
  id: number;
  role: "user" | "character";
  text: string;
}

export interface AssembleInput {
  character: PromptCharacter;
  userName: string;
  /** The active path, root first, ending with the user turn to answer. */
  history: PromptMessage[];
  template: PromptTemplate;
  contextSize: number;
  maxReplyTokens: number;
  countTokens: (text: string) => number;
  /** Messages evicted together when the history outgrows the budget. */
  evictionChunk?: number;
}

export interface AssembledPrompt {
  blocks: PromptBlock[];
  promptTokens: number;
  budget: number;
  droppedMessageIds: number[];
  stopStrings: string[];
}

export const DEFAULT_EVICTION_CHUNK = 8;

export function assemblePrompt(input: AssembleInput): AssembledPrompt {
  const { template, character, countTokens } = input;
  const names = { char: character.name, user: input.userName };
  const markup = (text: string): PromptPiece => ({
    text: applyMacros(text, names),
    special: template.special,
  });
  const content = (text: string): PromptPiece => ({ text: applyMacros(text, names), special: false });
  const block = (kind: BlockKind, messageId: number | null, pieces: PromptPiece[]): PromptBlock => ({
    kind,
    messageId,
    pieces,
    tokens: countTokens(pieces.map((p) => p.text).join("")),
  });

  const budget = input.contextSize - input.maxReplyTokens;
  const persona = block("persona", null, [
    markup(template.personaPrefix),
    content(personaText(character)),
    markup(template.personaSuffix),
  ]);
  const start = block("conversation-start", null, [markup(template.conversationStart)]);
  const replyPrefix = block("reply-prefix", null, [markup(template.characterPrefix.trimEnd())]);
  const messages = input.history.map((m) =>
    block(
      "message",
      m.id,
      m.role === "user"
        ? [markup(template.userPrefix), content(m.text), markup(template.userSuffix)]
        : [markup(template.characterPrefix), content(m.text), markup(template.characterSuffix)],
    ),
  );

  const fixed = persona.tokens + start.tokens + replyPrefix.tokens;
  const last = messages.at(-1);
  const mustKeep = fixed + (last?.tokens ?? 0);
  if (mustKeep > budget) {
    throw new MasqueError(
      "CONTEXT_OVERFLOW",
      `The persona (${persona.tokens} tokens) and the last message (${last?.tokens ?? 0} tokens) need ` +
        `${mustKeep} tokens, but only ${budget} of the ${input.contextSize}-token context are left after ` +
        `reserving ${input.maxReplyTokens} for the reply. Raise the context size, lower the reply length, ` +
        "or shorten the message.",
      {
        personaTokens: persona.tokens,
        lastMessageTokens: last?.tokens ?? 0,
        budget,
        contextSize: input.contextSize,
      },
    );
  }

  const firstKept = firstKeptIndex(
    messages.map((m) => m.tokens),
    budget - fixed,
    Math.max(1, input.evictionChunk ?? DEFAULT_EVICTION_CHUNK),
  );
  const kept = messages.slice(firstKept);
  const blocks = [persona, start, ...kept, replyPrefix];
  return {
    blocks,
    promptTokens: blocks.reduce((sum, b) => sum + b.tokens, 0),
    budget,
    droppedMessageIds: input.history.slice(0, firstKept).map((m) => m.id),
    stopStrings: template.stopStrings.map((s) => applyMacros(s, names)),
  };
}

/** The persona text: description, then personality and scenario when the card has them. */
export function personaText(character: PromptCharacter): string {
  const parts = [character.description.trim()];
  if (character.personality.trim()) parts.push(`Personality: ${character.personality.trim()}`);
  if (character.scenario.trim()) parts.push(`Scenario: ${character.scenario.trim()}`);
  return parts.filter(Boolean).join("\n");
}

/**
 * The first message to keep: the smallest multiple of `chunk` whose suffix fits the budget, or,
 * when no chunk boundary fits, the last message alone (guaranteed to fit by the caller).
 */
export function firstKeptIndex(tokens: number[], budget: number, chunk: number): number {
  const suffix: number[] = new Array(tokens.length + 1).fill(0);
  for (let i = tokens.length - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] ?? 0) + (tokens[i] ?? 0);
  for (let i = 0; i < tokens.length; i += chunk) {
    if ((suffix[i] ?? 0) <= budget) return i;
  }
  for (let i = Math.floor((tokens.length - 1) / chunk) * chunk; i < tokens.length; i++) {
    if ((suffix[i] ?? 0) <= budget) return i;
  }
  return Math.max(0, tokens.length - 1);
}

export function promptText(blocks: readonly PromptBlock[]): string {
  return blocks.map((b) => b.pieces.map((p) => p.text).join("")).join("");
}

/**
 * Setting up a blind A/B run: prompts sampled from conversations (openings and mid-session user
 * turns, seeded), and the items shown to the user — every pair of contestants on every prompt,
 * each contestant in slot A in half of its pairs (±1), in an order drawn from the seed.
 */
import type { AbItemSource } from "../../../shared/domain/eval";
import { createRandom, shuffled } from "../../../shared/stats/random";
import { balanceSlots, roundRobin } from "../../../shared/stats/slots";
import type { AbItemRow } from "../../storage/evalRunRepository";
import type { ConversationTurn } from "./conversationPieces";
import type { Conversation } from "./evalSources";

export interface StoredAbPrompt {
  source: AbItemSource;
  characterName: string;
  history: ConversationTurn[];
}

/** `count` prompts, each ending with a user turn of some conversation (fewer if there are fewer turns). */
export function sampleAbPrompts(
  conversations: readonly Conversation[],
  count: number,
  seed: number,
): StoredAbPrompt[] {
  const points = conversations.flatMap((c) =>
    c.turns.flatMap((turn, index) => (turn.role === "user" && turn.text.trim() ? [{ c, index }] : [])),
  );
  return shuffled(points, createRandom(seed))
    .slice(0, count)
    .map(({ c, index }) => ({
      source: { characterId: c.characterId, sessionId: c.sessionId, chatId: c.chatId, messageIndex: index },
      characterName: c.card.name,
      history: c.turns.slice(0, index + 1),
    }));
}

export function abItems(contestantIds: readonly string[], prompts: number, seed: number): AbItemRow[] {
  const perPrompt = (contestantIds.length * (contestantIds.length - 1)) / 2;
  return balanceSlots(roundRobin(contestantIds, prompts), seed).map((trial, order) => ({
    item: order + 1,
    promptIndex: Math.floor(trial.pair / perPrompt),
    slotA: trial.a,
    slotB: trial.b,
    vote: null,
  }));
}

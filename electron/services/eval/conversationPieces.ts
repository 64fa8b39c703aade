/**
 * The prompt pieces of every character reply of a conversation (a PIPPA reference session or a
 * chat's active path), assembled exactly as chat assembles the prompt for that reply: the card,
 * the user's name and persona, examples, the history before the reply, the template and the
 * budget rules (`buildPrompt`). The reply is written after the open reply header the way the
 * history writes a stored message, so the next reply's prompt extends this one's tokens.
 */
import type { CardData } from "../../../shared/domain/card";
import type { Settings } from "../../../shared/domain/settings";
import type { PromptMessage } from "../../../shared/prompt/assemble";
import type { PromptTemplate } from "../../../shared/prompt/template";
import type { Engine } from "../engine/engine";
import { buildPrompt } from "../promptBuilder";
import type { ReplyPieces } from "./inCharacterPlan";

export interface ConversationTurn {
  role: "user" | "character";
  text: string;
}

export interface ConversationInput {
  card: CardData;
  settings: Settings;
  templateId: string | undefined;
  turns: readonly ConversationTurn[];
  contextSize: number;
  /** Prefix for reply ids (e.g. "session:12"); the turn's index follows. */
  key: string;
}

export interface ConversationPieces {
  replies: ReplyPieces[];
  template: PromptTemplate;
  /** Replies whose prompt could not be fitted into the context at all. */
  unfitted: number;
}

export function conversationPieces(engine: Engine, input: ConversationInput): ConversationPieces {
  const replies: ReplyPieces[] = [];
  let template: PromptTemplate | null = null;
  let unfitted = 0;
  const history: PromptMessage[] = input.turns.map((turn, index) => ({
    id: index + 1,
    role: turn.role,
    text: turn.text,
  }));
  input.turns.forEach((turn, index) => {
    // A greeting has no prompt of its own in a chat: it comes from the card.
    if (turn.role !== "character" || index === 0 || !turn.text.trim()) return;
    const replyTokens = engine.countTokens(turn.text);
    let prompt: ReturnType<typeof buildPrompt>;
    try {
      prompt = buildPrompt(engine, {
        card: input.card,
        settings: input.settings,
        options: input.templateId ? { templateId: input.templateId } : {},
        history: history.slice(0, index),
        mode: "reply",
        maxTokens: Math.max(input.settings.maxTokens, replyTokens + 1),
        contextSize: input.contextSize,
      });
    } catch (error) {
      if ((error as { code?: string }).code === "CONTEXT_OVERFLOW") {
        unfitted++;
        return;
      }
      throw error;
    }
    template ??= prompt.resolved.template;
    const gap = / +$/.exec(prompt.resolved.template.characterPrefix)?.[0] ?? "";
    const text = gap && !/^\s/.test(turn.text) ? gap + turn.text : turn.text;
    replies.push({
      replyId: `${input.key}:${index}`,
      prompt: prompt.blocks.flatMap((b) => b.pieces),
      reply: [{ text, special: false }],
    });
  });
  return { replies, template: template ?? fallbackTemplate(engine, input), unfitted };
}

function fallbackTemplate(engine: Engine, input: ConversationInput): PromptTemplate {
  const prompt = buildPrompt(engine, {
    card: input.card,
    settings: input.settings,
    options: input.templateId ? { templateId: input.templateId } : {},
    history: [{ id: 1, role: "user", text: "." }],
    mode: "reply",
    maxTokens: 1,
    contextSize: input.contextSize,
  });
  return prompt.resolved.template;
}

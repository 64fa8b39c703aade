/**
 * Puts a chat's prompt together: picks the template (chat option, then the model's, then the
 * app setting; "auto" follows the model's own chat template) and assembles the blocks within the
 * context budget, re-checking the exact token count of the joined prompt.
 */
import type { ChatOptions } from "../../shared/domain/chat";
import type { AuthorNote } from "../../shared/domain/lore";
import type { Settings } from "../../shared/domain/settings";
import { MasqueError } from "../../shared/errors";
import {
  type AssembledPrompt,
  type AssembleMode,
  assemblePrompt,
  DEFAULT_SYSTEM_PROMPT,
  type PromptCharacter,
  type PromptMessage,
} from "../../shared/prompt/assemble";
import { groupSystemPrompt } from "../../shared/prompt/group";
import { type ComposedLore, composeLore } from "../../shared/prompt/lore/compose";
import { findTemplate, type PromptTemplate, PYGMALION } from "../../shared/prompt/template";
import type { ChatLoreContext } from "./chatLoreContext";
import type { Engine } from "./engine/engine";

export interface ResolvedTemplate {
  template: PromptTemplate;
  /** What the user sees, e.g. "ChatML (model's own template)". */
  label: string;
}

export function resolveTemplate(engine: Engine, settings: Settings, options: ChatOptions): ResolvedTemplate {
  const loaded = engine.loaded();
  const perModel = loaded ? settings.modelOverrides[loaded.path]?.templateId : undefined;
  const choice = options.templateId ?? perModel ?? settings.templateId;
  if (choice !== "auto" && choice !== "model") {
    const template = findTemplate(choice);
    if (!template) throw new MasqueError("INVALID_INPUT", `unknown template "${choice}"`);
    return { template, label: template.label };
  }
  const match = engine.modelTemplate();
  if (!match) {
    return { template: PYGMALION, label: `${PYGMALION.label} (the model has no chat template)` };
  }
  const template = findTemplate(match.templateId) ?? PYGMALION;
  const how = match.via === "fallback" ? "model template not recognised" : "the model's own template";
  return { template, label: `${template.label} (${how})` };
}

export interface BuildPromptInput {
  /** The character who speaks (a card, or a group chat's merged cards, see shared/prompt/group.ts). */
  card: PromptCharacter;
  /** Group chats: every member's name. */
  groupNames?: string[];
  settings: Settings;
  options: ChatOptions;
  history: PromptMessage[];
  mode: AssembleMode;
  maxTokens: number;
  /** The context to fit (default: the loaded model's); evaluations score in a context of their own size. */
  contextSize?: number;
  /** The chat (seeds lore probability rolls) and its lore, note and persona; none: a bare prompt. */
  chatId?: number;
  lore?: ChatLoreContext;
}

export interface BuiltPrompt extends AssembledPrompt {
  resolved: ResolvedTemplate;
  /** What lore fired, was dropped or left out, and why (null: no lore context). */
  lore: ComposedLore | null;
  loreProblems: string[];
  /** The name `{{user}}` rendered as: the persona's, or the settings' user name. */
  userName: string;
  /** The author's note the prompt was built with (null: none, or no text). */
  note: AuthorNote | null;
  /** Names of the books scanned, by key. */
  loreBooks: Record<string, string>;
}

export function buildPrompt(engine: Engine, input: BuildPromptInput): BuiltPrompt {
  const loaded = engine.loaded();
  if (!loaded) throw new MasqueError("MODEL_NOT_SET", "No model is loaded.");
  const resolved = resolveTemplate(engine, input.settings, input.options);
  const contextSize = input.contextSize ?? loaded.contextSize;
  const countTokens = (t: string) => engine.countTokens(t);
  const persona = input.lore?.persona ?? null;
  const userName = persona?.name ?? input.settings.userName;
  const lore = input.lore
    ? composeLore({
        books: input.lore.books,
        history: input.history,
        settings: input.lore.settings,
        seed: input.chatId ?? 0,
        contextSize,
        countTokens,
        mode: input.settings.lorePlacement,
        note: input.lore.note,
        persona: persona
          ? { id: persona.id, text: persona.description, position: persona.position, depth: persona.depth }
          : null,
        names: { char: input.card.name, user: userName },
      })
    : null;
  // Blocks are counted one by one; the joined prompt can differ by a few tokens at block
  // boundaries, so shrink the budget by the difference and assemble again.
  let slack = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const prompt = assemblePrompt({
      character: input.card,
      userName,
      ...(persona ? {} : { userPersona: input.settings.userPersona }),
      ...(lore?.fields ?? {}),
      history: input.history,
      mode: input.mode,
      template: resolved.template,
      examplesMode: input.options.examplesMode ?? input.settings.examplesMode,
      defaultSystemPrompt:
        input.settings.systemPrompt.trim() ||
        (input.groupNames ? groupSystemPrompt(input.groupNames) : DEFAULT_SYSTEM_PROMPT),
      ...(input.groupNames ? { groupNames: input.groupNames } : {}),
      systemPromptExplicit: input.settings.systemPrompt.trim() !== "",
      contextSize: contextSize - slack,
      maxReplyTokens: input.maxTokens,
      countTokens,
    });
    const exact = engine.countPromptTokens(prompt.blocks.flatMap((b) => b.pieces));
    const over = exact + input.maxTokens - contextSize;
    if (over <= 0) {
      return {
        ...prompt,
        promptTokens: exact,
        resolved,
        lore,
        loreProblems: input.lore?.problems ?? [],
        userName,
        note: input.lore?.note.text.trim() ? input.lore.note : null,
        loreBooks: Object.fromEntries((input.lore?.books ?? []).map((b) => [b.key, b.name])),
      };
    }
    slack += over;
  }
  throw new MasqueError("CONTEXT_OVERFLOW", "The prompt could not be fitted into the context.");
}

/**
 * Puts a chat's prompt together: picks the template (chat option, then the model's, then the
 * app setting; "auto" follows the model's own chat template) and assembles the blocks within the
 * context budget, re-checking the exact token count of the joined prompt.
 */
import type { CardData } from "../../shared/domain/card";
import type { ChatOptions } from "../../shared/domain/chat";
import type { Settings } from "../../shared/domain/settings";
import { MasqueError } from "../../shared/errors";
import {
  type AssembledPrompt,
  type AssembleMode,
  assemblePrompt,
  DEFAULT_SYSTEM_PROMPT,
  type PromptMessage,
} from "../../shared/prompt/assemble";
import { findTemplate, type PromptTemplate, PYGMALION } from "../../shared/prompt/template";
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
  card: CardData;
  settings: Settings;
  options: ChatOptions;
  history: PromptMessage[];
  mode: AssembleMode;
  maxTokens: number;
  /** The context to fit (default: the loaded model's); evaluations score in a context of their own size. */
  contextSize?: number;
}

export function buildPrompt(
  engine: Engine,
  input: BuildPromptInput,
): AssembledPrompt & { resolved: ResolvedTemplate } {
  const loaded = engine.loaded();
  if (!loaded) throw new MasqueError("MODEL_NOT_SET", "No model is loaded.");
  const resolved = resolveTemplate(engine, input.settings, input.options);
  const contextSize = input.contextSize ?? loaded.contextSize;
  // Blocks are counted one by one; the joined prompt can differ by a few tokens at block
  // boundaries, so shrink the budget by the difference and assemble again.
  let slack = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const prompt = assemblePrompt({
      character: input.card,
      userName: input.settings.userName,
      userPersona: input.settings.userPersona,
      history: input.history,
      mode: input.mode,
      template: resolved.template,
      examplesMode: input.options.examplesMode ?? input.settings.examplesMode,
      defaultSystemPrompt: input.settings.systemPrompt.trim() || DEFAULT_SYSTEM_PROMPT,
      systemPromptExplicit: input.settings.systemPrompt.trim() !== "",
      contextSize: contextSize - slack,
      maxReplyTokens: input.maxTokens,
      countTokens: (t) => engine.countTokens(t),
    });
    const exact = engine.countPromptTokens(prompt.blocks.flatMap((b) => b.pieces));
    const over = exact + input.maxTokens - contextSize;
    if (over <= 0) return { ...prompt, promptTokens: exact, resolved };
    slack += over;
  }
  throw new MasqueError("CONTEXT_OVERFLOW", "The prompt could not be fitted into the context.");
}

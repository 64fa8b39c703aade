/**
 * Prompt pieces → token ids the way the engine evaluates them (BOS first where the model uses one;
 * markup pieces as control tokens; neighbouring text pieces joined before tokenizing, see
 * LlamaEngine.tokenizePromptWith). Phase 2 calls `Engine.tokenizePrompt` instead; this copy of
 * the rule serves the scorer's tests and benchmark, which run without the engine.
 */
import { type LlamaModel, LlamaText, SpecialTokensText, type Token } from "node-llama-cpp";
import type { PromptPiece } from "../../../shared/prompt/assemble";

export function tokenizePieces(model: LlamaModel, pieces: readonly PromptPiece[]): Token[] {
  const values: (string | SpecialTokensText)[] = [];
  for (const piece of pieces) {
    const last = values.at(-1);
    if (piece.special) values.push(new SpecialTokensText(piece.text));
    else if (typeof last === "string") values[values.length - 1] = last + piece.text;
    else values.push(piece.text);
  }
  const body = LlamaText(values).tokenize(model.tokenizer);
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
  return [...bos, ...body];
}

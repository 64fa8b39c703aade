/**
 * The built-in template Masque would use for a model's own chat template, from the header alone.
 * Same rule as the engine (engine/modelTemplate.ts) once the model is loaded: node-llama-cpp's
 * specialised wrapper when it recognises the Jinja template, else the template's markers.
 */
import {
  AlpacaChatWrapper,
  ChatMLChatWrapper,
  GemmaChatWrapper,
  type GgufFileInfo,
  Llama3_1ChatWrapper,
  Llama3ChatWrapper,
  MistralChatWrapper,
  resolveChatWrapper,
} from "node-llama-cpp";
import { matchByMarkers } from "../engine/modelTemplate";

const WRAPPER_TEMPLATES: [new (...args: never[]) => unknown, string][] = [
  [ChatMLChatWrapper, "chatml"],
  [Llama3_1ChatWrapper, "llama3"],
  [Llama3ChatWrapper, "llama3"],
  [GemmaChatWrapper, "gemma"],
  [MistralChatWrapper, "mistral"],
  [AlpacaChatWrapper, "alpaca"],
];

/** Null when the file has no chat template (Masque then uses its default, Pygmalion). */
export function detectTemplateFamily(info: GgufFileInfo): string | null {
  const jinja: unknown = info.metadata?.tokenizer?.chat_template;
  if (typeof jinja !== "string" || jinja.trim() === "") return null;
  try {
    const wrapper = resolveChatWrapper({ fileInfo: info, warningLogs: false });
    const known = WRAPPER_TEMPLATES.find(([type]) => wrapper instanceof type);
    if (known) return known[1];
  } catch {
    // An unparsable template: the markers decide.
  }
  return matchByMarkers(jinja).templateId;
}

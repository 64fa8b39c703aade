/**
 * Which built-in template matches the model's own chat template (GGUF `tokenizer.chat_template`).
 * node-llama-cpp renders the Jinja template and recognises the common families
 * (`resolveChatWrapper` returns the specialised wrapper when the Jinja output is equivalent);
 * a template it does not recognise is matched by its markers.
 */
import {
  AlpacaChatWrapper,
  ChatMLChatWrapper,
  GemmaChatWrapper,
  Llama3_1ChatWrapper,
  Llama3ChatWrapper,
  type LlamaModel,
  MistralChatWrapper,
  resolveChatWrapper,
} from "node-llama-cpp";

export interface ModelTemplateMatch {
  templateId: string;
  /** How the match was made, for the prompt inspector. */
  via: "node-llama-cpp" | "markers" | "fallback";
}

const WRAPPERS: [new (...args: never[]) => unknown, string][] = [
  [ChatMLChatWrapper, "chatml"],
  [Llama3_1ChatWrapper, "llama3"],
  [Llama3ChatWrapper, "llama3"],
  [GemmaChatWrapper, "gemma"],
  [MistralChatWrapper, "mistral"],
  [AlpacaChatWrapper, "alpaca"],
];

const MARKERS: [RegExp, string][] = [
  [/<\|im_start\|>/, "chatml"],
  [/<\|start_header_id\|>/, "llama3"],
  [/<start_of_turn>/, "gemma"],
  [/\[INST\]/, "mistral"],
  [/<\|model\|>/, "metharme"],
  [/### Instruction/, "alpaca"],
  [/ASSISTANT:/, "vicuna"],
];

export function matchModelTemplate(model: LlamaModel, jinja: string): ModelTemplateMatch {
  try {
    const wrapper = resolveChatWrapper(model);
    const known = WRAPPERS.find(([type]) => wrapper instanceof type);
    if (known) return { templateId: known[1], via: "node-llama-cpp" };
  } catch {
    // An unparsable template: fall through to the markers.
  }
  return matchByMarkers(jinja);
}

export function matchByMarkers(jinja: string): ModelTemplateMatch {
  const found = MARKERS.find(([pattern]) => pattern.test(jinja));
  return found ? { templateId: found[1], via: "markers" } : { templateId: "chatml", via: "fallback" };
}

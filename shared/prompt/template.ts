/**
 * Prompt templates as data. Markup strings may contain `{{char}}` / `{{user}}`; any occurrence of
 * one of the template's `specialTokens` inside markup is tokenized as that control token, while
 * user and card text never is (see `toPieces`). `stopMarkers` are control tokens that end a reply;
 * `stopStrings` are plain text that ends it (the next speaker's name, a turn header written as text).
 */
export interface PromptTemplate {
  id: string;
  label: string;
  /** Control tokens that appear in this template's markup. */
  specialTokens: string[];
  /** Opens and closes the block that carries system prompt, persona and examples. */
  systemPrefix: string;
  systemSuffix: string;
  userPrefix: string;
  userSuffix: string;
  characterPrefix: string;
  characterSuffix: string;
  /** Written between the examples/persona and the chat (`<START>` in the Pygmalion format). */
  chatStart: string;
  /** Written before each example dialogue. */
  exampleSeparator: string;
  /** How example lines name the user (`You` in the Pygmalion format, else `{{user}}`). */
  exampleUserName: string;
  /** Whether the template has a default system prompt line (Pygmalion's format has none). */
  usesSystemPrompt: boolean;
  stopMarkers: string[];
  stopStrings: string[];
}

const base = {
  chatStart: "",
  exampleSeparator: "",
  exampleUserName: "{{user}}",
  usesSystemPrompt: true,
  stopStrings: ["\n{{user}}:"],
};

/** Pygmalion 6B's format (model card): persona, `<START>`, `You:` / `{{char}}:` lines. Plain text only. */
export const PYGMALION: PromptTemplate = {
  ...base,
  id: "pygmalion",
  label: "Pygmalion (classic)",
  specialTokens: [],
  systemPrefix: "",
  systemSuffix: "",
  userPrefix: "You: ",
  userSuffix: "\n",
  characterPrefix: "{{char}}: ",
  characterSuffix: "\n",
  chatStart: "\n<START>\n",
  exampleSeparator: "<START>\n",
  exampleUserName: "You",
  usesSystemPrompt: false,
  stopMarkers: [],
  stopStrings: ["\nYou:", "\n<START>", "\n{{user}}:"],
};

/** Metharme / Pygmalion-2: `<|system|>`, `<|user|>`, `<|model|>` chained without separators. */
export const METHARME: PromptTemplate = {
  ...base,
  id: "metharme",
  label: "Metharme (Pygmalion-2)",
  specialTokens: ["<|system|>", "<|user|>", "<|model|>"],
  systemPrefix: "<|system|>",
  systemSuffix: "",
  userPrefix: "<|user|>",
  userSuffix: "",
  characterPrefix: "<|model|>",
  characterSuffix: "",
  stopMarkers: ["<|user|>", "<|system|>"],
};

export const CHATML: PromptTemplate = {
  ...base,
  id: "chatml",
  label: "ChatML",
  specialTokens: ["<|im_start|>", "<|im_end|>"],
  systemPrefix: "<|im_start|>system\n",
  systemSuffix: "<|im_end|>\n",
  userPrefix: "<|im_start|>user\n",
  userSuffix: "<|im_end|>\n",
  characterPrefix: "<|im_start|>assistant\n",
  characterSuffix: "<|im_end|>\n",
  stopMarkers: ["<|im_end|>", "<|im_start|>"],
};

/** Llama 3 / 3.1 instruct. BOS (`<|begin_of_text|>`) is added by the engine, not the template. */
export const LLAMA3: PromptTemplate = {
  ...base,
  id: "llama3",
  label: "Llama 3",
  specialTokens: ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
  systemPrefix: "<|start_header_id|>system<|end_header_id|>\n\n",
  systemSuffix: "<|eot_id|>",
  userPrefix: "<|start_header_id|>user<|end_header_id|>\n\n",
  userSuffix: "<|eot_id|>",
  characterPrefix: "<|start_header_id|>assistant<|end_header_id|>\n\n",
  characterSuffix: "<|eot_id|>",
  stopMarkers: ["<|eot_id|>", "<|start_header_id|>"],
};

/**
 * Mistral instruct: `[INST] … [/INST]` for the user, the reply followed by `</s>`. Mistral has no
 * system role, so the system block is an instruction turn of its own at the start.
 */
export const MISTRAL: PromptTemplate = {
  ...base,
  id: "mistral",
  label: "Mistral",
  specialTokens: ["[INST]", "[/INST]", "</s>"],
  systemPrefix: "[INST] ",
  systemSuffix: " [/INST]",
  userPrefix: "[INST] ",
  userSuffix: " [/INST]",
  characterPrefix: "",
  characterSuffix: "</s>",
  stopMarkers: ["[INST]", "</s>"],
};

/** Alpaca: plain-text `### Instruction:` / `### Response:` headers. */
export const ALPACA: PromptTemplate = {
  ...base,
  id: "alpaca",
  label: "Alpaca",
  specialTokens: [],
  systemPrefix: "",
  systemSuffix: "\n\n",
  userPrefix: "### Instruction:\n",
  userSuffix: "\n\n",
  characterPrefix: "### Response:\n",
  characterSuffix: "\n\n",
  stopMarkers: [],
  stopStrings: ["\n### Instruction:", "\n### Response:", "\n{{user}}:"],
};

/** Vicuna 1.1 (FastChat): `USER: … ASSISTANT: …</s>`, turns separated by a space. */
export const VICUNA: PromptTemplate = {
  ...base,
  id: "vicuna",
  label: "Vicuna 1.1",
  specialTokens: ["</s>"],
  systemPrefix: "",
  systemSuffix: " ",
  userPrefix: "USER: ",
  userSuffix: " ",
  characterPrefix: "ASSISTANT: ",
  characterSuffix: "</s>",
  stopMarkers: ["</s>"],
  stopStrings: ["USER:", "\n{{user}}:"],
};

/** Gemma: `<start_of_turn>user|model`; no system role, so the system block is a user turn. */
export const GEMMA: PromptTemplate = {
  ...base,
  id: "gemma",
  label: "Gemma",
  specialTokens: ["<start_of_turn>", "<end_of_turn>"],
  systemPrefix: "<start_of_turn>user\n",
  systemSuffix: "<end_of_turn>\n",
  userPrefix: "<start_of_turn>user\n",
  userSuffix: "<end_of_turn>\n",
  characterPrefix: "<start_of_turn>model\n",
  characterSuffix: "<end_of_turn>\n",
  stopMarkers: ["<end_of_turn>", "<start_of_turn>"],
};

export const BUILT_IN_TEMPLATES: readonly PromptTemplate[] = [
  PYGMALION,
  METHARME,
  CHATML,
  LLAMA3,
  MISTRAL,
  ALPACA,
  VICUNA,
  GEMMA,
];

/** "auto" follows the model: its own chat template when the GGUF has one, else Pygmalion's. */
export type TemplateChoice = "auto" | "model" | (typeof BUILT_IN_TEMPLATES)[number]["id"];

export function findTemplate(id: string): PromptTemplate | undefined {
  return BUILT_IN_TEMPLATES.find((t) => t.id === id);
}

export interface PromptPiece {
  text: string;
  /** Made of the model's control tokens (only ever template markup). */
  special: boolean;
}

/** Splits template markup into plain and control-token pieces. */
export function markupPieces(markup: string, template: PromptTemplate): PromptPiece[] {
  if (!markup) return [];
  if (template.specialTokens.length === 0) return [{ text: markup, special: false }];
  const pattern = new RegExp(template.specialTokens.map(escapeRegExp).join("|"), "g");
  const pieces: PromptPiece[] = [];
  let last = 0;
  for (const match of markup.matchAll(pattern)) {
    if (match.index > last) pieces.push({ text: markup.slice(last, match.index), special: false });
    pieces.push({ text: match[0], special: true });
    last = match.index + match[0].length;
  }
  if (last < markup.length) pieces.push({ text: markup.slice(last), special: false });
  return pieces;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

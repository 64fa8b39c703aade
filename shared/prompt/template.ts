/**
 * A prompt template as data. Each field is template markup; `special: true` means the markup is made
 * of the model's control tokens and must be tokenized as such (user and card text never is).
 */
export interface PromptTemplate {
  id: string;
  label: string;
  /** Whether the markup below is made of special tokens. */
  special: boolean;
  /** Written before the persona block; `{{char}}` is replaced by the character's name. */
  personaPrefix: string;
  personaSuffix: string;
  /** Separates the persona block from the conversation. */
  conversationStart: string;
  userPrefix: string;
  userSuffix: string;
  characterPrefix: string;
  characterSuffix: string;
  /** Stop strings, after macros: generation ends before any of them. */
  stopStrings: string[];
}

/**
 * The Pygmalion-style plain-text layout: it needs no special tokens, so it works with any model,
 * including base models without a chat template.
 */
export const PLAIN_ROLEPLAY_TEMPLATE: PromptTemplate = {
  id: "plain-roleplay",
  label: "Plain role-play (Pygmalion style)",
  special: false,
  personaPrefix: "{{char}}'s Persona: ",
  personaSuffix: "\n",
  conversationStart: "<START>\n",
  userPrefix: "{{user}}: ",
  userSuffix: "\n",
  characterPrefix: "{{char}}: ",
  characterSuffix: "\n",
  stopStrings: ["\n{{user}}:", "\n<START>", "\n{{char}}:"],
};

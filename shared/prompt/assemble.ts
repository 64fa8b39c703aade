/**
 * Prompt assembly, a pure function: card + user + chat path + template + budget -> ordered blocks
 * with token counts, and a report of what was dropped and why.
 *
 * Layout: [system prompt, lore before, persona, lore after, user persona, examples] [chat start]
 * [kept history, with lore, author's note or persona blocks inserted after given messages]
 * [post-history instructions] [reply prefix | open message]. Everything before the history is a
 * static prefix that stays byte-identical from turn to turn (no time or random values in it).
 * Which lore goes where, so that the prefix stays stable, is decided by `placement.ts`.
 *
 * Order of sacrifice when the budget is short: example dialogues first (unless kept or stripped),
 * then the oldest turns, evicted in whole chunks so the kept history starts at the same message
 * for many turns and the KV cache stays valid. The system prompt, the personas, the post-history
 * instructions, lore, note and inserted blocks, and the last message are never dropped (lore has its own
 * budget, see lore/budget.ts); if they alone do not fit, CONTEXT_OVERFLOW.
 */
import { MasqueError } from "../errors";
import { applyMacros } from "./macros";
import { markupPieces, type PromptPiece, type PromptTemplate } from "./template";

export type { PromptPiece } from "./template";

export type BlockKind =
  | "system"
  | "persona"
  | "user-persona"
  | "example"
  | "system-end"
  | "chat-start"
  | "message"
  | "post-history"
  | "reply-prefix"
  | "lore"
  | "note";

export interface PromptBlock {
  kind: BlockKind;
  messageId: number | null;
  pieces: PromptPiece[];
  tokens: number;
  /** What a lore, note or persona block carries: lore entry ids, or "persona:ID". */
  entryIds?: string[];
}

/** Text placed in the static prefix (lore before or after the character definitions). */
export interface PrefixInsert {
  text: string;
  entryIds: string[];
}

/** A block inserted into the history right after a message. */
export interface HistoryInsert {
  kind: "lore" | "note" | "user-persona";
  /** After this message of the history; null, or a message not kept: before the first kept message. */
  afterMessageId: number | null;
  text: string;
  entryIds: string[];
  /** Whose turn it is written as (default: a system turn). */
  role?: "system" | "user" | "character";
}

export interface PromptCharacter {
  name: string;
  description: string;
  personality: string;
  scenario: string;
  mes_example?: string;
  system_prompt?: string;
  post_history_instructions?: string;
}

export interface PromptMessage {
  id: number;
  role: "user" | "character";
  text: string;
  /** Written by the model after the open reply header, exactly as stored (see messageBlock). */
  generated?: boolean;
  /** Group chats: the character who wrote it (`{{char}}` in its header renders as this name). */
  speaker?: string;
}

/** reply: answer the last message; continue: extend the last (character) message; impersonate: write the user's next message. */
export type AssembleMode = "reply" | "continue" | "impersonate";
export type ExamplesMode = "push" | "keep" | "strip";

export interface AssembleInput {
  character: PromptCharacter;
  userName: string;
  userPersona?: string;
  /** The active path, root first. */
  history: PromptMessage[];
  mode?: AssembleMode;
  template: PromptTemplate;
  examplesMode?: ExamplesMode;
  defaultSystemPrompt?: string;
  /** The user wrote their own system prompt: use it even with templates that have none by default. */
  systemPromptExplicit?: boolean;
  contextSize: number;
  maxReplyTokens: number;
  countTokens: (text: string) => number;
  /** Messages evicted together when the history outgrows the budget. */
  evictionChunk?: number;
  /** Lore in the prefix, before and after the character definitions. */
  loreBefore?: PrefixInsert[];
  loreAfter?: PrefixInsert[];
  /** The user's persona as a block of its own in the prefix (used instead of `userPersona`). */
  persona?: { id: number; text: string };
  /** Lore, the author's note or the persona placed inside the history. */
  inserts?: HistoryInsert[];
  /**
   * Group chats: every member's name. Each character turn then opens with its writer's name (added
   * to the template's header when the header has none), and a line starting with any member's
   * name ends the reply. `character.name` is the one who speaks next.
   */
  groupNames?: string[];
}

export interface DroppedItem {
  kind: "example" | "message";
  messageId: number | null;
  tokens: number;
  reason: string;
}

export interface AssembledPrompt {
  blocks: PromptBlock[];
  promptTokens: number;
  budget: number;
  dropped: DroppedItem[];
  droppedMessageIds: number[];
  stopStrings: string[];
  stopMarkers: string[];
}

export const DEFAULT_EVICTION_CHUNK = 8;
export const DEFAULT_SYSTEM_PROMPT =
  "Write {{char}}'s next reply in a fictional role-play chat between {{char}} and {{user}}. Stay in character.";

export function assemblePrompt(rawInput: AssembleInput): AssembledPrompt {
  const input = rawInput.groupNames ? withNamedTurns(rawInput) : rawInput;
  const mode = input.mode ?? "reply";
  const build = blockBuilder(input);
  const prefix = prefixBlocks(input, build);
  const examples = input.examplesMode === "strip" ? [] : exampleBlocks(input, build);
  const keepExamples = input.examplesMode === "keep";
  const systemEnd = build("system-end", null, input.template.systemSuffix, "", "");
  const chatStart = build("chat-start", null, input.template.chatStart, "", "");
  const history = input.history.map((m, i) => {
    const open = mode === "continue" && i === input.history.length - 1;
    return messageBlock(m, input.template, build, open);
  });
  const inserts = (input.inserts ?? []).map((insert) => ({
    insert,
    block: insertBlock(insert, input, build),
  }));
  const postHistory = input.character.post_history_instructions?.trim()
    ? [
        build(
          "post-history",
          null,
          input.template.systemPrefix,
          input.character.post_history_instructions.trim(),
          input.template.systemSuffix,
        ),
      ]
    : [];
  const ending =
    mode === "continue"
      ? []
      : [
          build(
            "reply-prefix",
            null,
            openPrefix(mode === "impersonate" ? input.template.userPrefix : input.template.characterPrefix),
            "",
            "",
          ),
        ];

  const budget = input.contextSize - input.maxReplyTokens;
  const sum = (blocks: readonly PromptBlock[]) => blocks.reduce((s, b) => s + b.tokens, 0);
  const last = history.at(-1);
  const fixed = [
    ...prefix,
    ...(keepExamples ? examples : []),
    systemEnd,
    chatStart,
    ...inserts.map((i) => i.block),
    ...postHistory,
    ...ending,
  ];
  const mustKeep = sum(fixed) + (last?.tokens ?? 0);
  if (mustKeep > budget) throw overflow(input, sum(prefix), last?.tokens ?? 0, mustKeep, budget);

  const dropped: DroppedItem[] = [];
  let room = budget - mustKeep;
  const olderHistory = history.slice(0, -1);
  let keptExamples = keepExamples ? examples : [];
  if (!keepExamples) {
    // Examples go before any turn: keep them only while the whole history still fits beside them.
    room -= sum(olderHistory);
    keptExamples = [...examples];
    while (keptExamples.length > 0 && sum(keptExamples) > room) {
      const gone = keptExamples.pop() as PromptBlock;
      dropped.unshift({
        kind: "example",
        messageId: null,
        tokens: gone.tokens,
        reason: "examples make room for the chat",
      });
    }
    room += sum(olderHistory) - sum(keptExamples);
  }
  const firstKept = firstKeptIndex(
    olderHistory.map((b) => b.tokens),
    room,
    Math.max(1, input.evictionChunk ?? DEFAULT_EVICTION_CHUNK),
  );
  for (const gone of olderHistory.slice(0, firstKept)) {
    dropped.push({
      kind: "message",
      messageId: gone.messageId,
      tokens: gone.tokens,
      reason: "oldest turns leave first",
    });
  }
  const kept = [...olderHistory.slice(firstKept), ...(last ? [last] : [])];
  const blocks = [
    ...prefix,
    ...keptExamples,
    systemEnd,
    chatStart,
    ...withInserts(kept, inserts, mode === "continue"),
    ...postHistory,
    ...ending,
  ].filter((b) => b.pieces.length > 0);
  const names = { char: input.character.name, user: input.userName };
  return {
    blocks,
    promptTokens: sum(blocks),
    budget,
    dropped,
    droppedMessageIds: dropped.filter((d) => d.kind === "message").map((d) => d.messageId as number),
    stopStrings: [
      ...new Set([
        ...stopStringsFor(input.template, mode).map((s) => applyMacros(s, names)),
        ...(input.groupNames ?? []).map((name) => `\n${name}:`),
      ]),
    ],
    stopMarkers: [...input.template.stopMarkers],
  };
}

type Build = (
  kind: BlockKind,
  messageId: number | null,
  open: string,
  content: string,
  close: string,
  entryIds?: string[],
  speaker?: string,
) => PromptBlock;

function blockBuilder(input: AssembleInput): Build {
  const defaultNames = { char: input.character.name, user: input.userName };
  return (kind, messageId, open, content, close, entryIds, speaker) => {
    const names = speaker ? { ...defaultNames, char: speaker } : defaultNames;
    const pieces = [
      ...markupPieces(applyMacros(open, names), input.template),
      ...(content ? [{ text: applyMacros(content, names), special: false }] : []),
      ...markupPieces(applyMacros(close, names), input.template),
    ];
    const block: PromptBlock = {
      kind,
      messageId,
      pieces,
      tokens: pieces.length > 0 ? input.countTokens(pieces.map((p) => p.text).join("")) : 0,
    };
    if (entryIds) block.entryIds = entryIds;
    return block;
  };
}

/** The system block's opening with the system prompt, the character's persona and the user's. */
function prefixBlocks(input: AssembleInput, build: Build): PromptBlock[] {
  const { character, template } = input;
  const defaultPrompt = input.defaultSystemPrompt ?? DEFAULT_SYSTEM_PROMPT;
  const cardPrompt = character.system_prompt?.trim() ?? "";
  const systemPrompt = cardPrompt ? cardPrompt.replace(/\{\{original\}\}/gi, defaultPrompt) : defaultPrompt;
  const blocks: PromptBlock[] = [];
  const persona = personaText(character, template);
  if (template.usesSystemPrompt || cardPrompt || input.systemPromptExplicit) {
    blocks.push(build("system", null, template.systemPrefix, `${systemPrompt}\n\n`, ""));
  } else {
    blocks.push(build("system", null, template.systemPrefix, "", ""));
  }
  for (const lore of input.loreBefore ?? []) {
    blocks.push(build("lore", null, "", `${lore.text.trim()}\n`, "", lore.entryIds));
  }
  blocks.push(build("persona", null, "", persona, ""));
  for (const lore of input.loreAfter ?? []) {
    blocks.push(build("lore", null, "", `\n${lore.text.trim()}`, "", lore.entryIds));
  }
  if (input.persona) {
    const text = `\n{{user}}'s persona: ${input.persona.text.trim()}`;
    blocks.push(build("user-persona", null, "", text, "", [`persona:${input.persona.id}`]));
  } else if (input.userPersona?.trim()) {
    blocks.push(build("user-persona", null, "", `\n{{user}}'s persona: ${input.userPersona.trim()}`, ""));
  }
  return blocks;
}

/** A block inside the history: a turn of its own in the template's markup (a system turn by default). */
function insertBlock(insert: HistoryInsert, input: AssembleInput, build: Build): PromptBlock {
  const t = input.template;
  const [open, close] =
    insert.role === "user"
      ? [t.userPrefix, t.userSuffix]
      : insert.role === "character"
        ? [t.characterPrefix, t.characterSuffix]
        : [t.systemPrefix, t.systemSuffix];
  const text =
    insert.kind === "user-persona" ? `{{user}}'s persona: ${insert.text.trim()}` : insert.text.trim();
  // Without closing markup (plain-text templates) the block ends with a newline of its own.
  const content = close.includes("\n") || close.trim() !== "" ? text : `${text}\n`;
  return build(insert.kind, null, open, content, close, insert.entryIds);
}

/**
 * The kept history with each insert right after its message. Inserts whose message is not kept
 * (evicted, or not on the path) go before the first kept message; when continuing, nothing may
 * follow the open last message, so its inserts go before it.
 */
function withInserts(
  kept: readonly PromptBlock[],
  inserts: readonly { insert: HistoryInsert; block: PromptBlock }[],
  continuing: boolean,
): PromptBlock[] {
  const keptIds = new Set(kept.map((b) => b.messageId));
  const lastId = kept.at(-1)?.messageId ?? null;
  const anchorOf = (insert: HistoryInsert) => {
    const id = insert.afterMessageId;
    if (id === null || !keptIds.has(id)) return null;
    if (continuing && id === lastId) return kept.at(-2)?.messageId ?? null;
    return id;
  };
  const after = (id: number | null) => inserts.filter((i) => anchorOf(i.insert) === id).map((i) => i.block);
  return [...after(null), ...kept.flatMap((b) => [b, ...after(b.messageId)])];
}

/** Persona text: Pygmalion's `{{char}}'s Persona:` line, or description, personality and scenario. */
export function personaText(character: PromptCharacter, template: PromptTemplate): string {
  const description = character.description.trim();
  const lines = [template.id === "pygmalion" ? `{{char}}'s Persona: ${description}` : description];
  if (character.personality.trim()) lines.push(`{{char}}'s personality: ${character.personality.trim()}`);
  if (character.scenario.trim()) lines.push(`Scenario: ${character.scenario.trim()}`);
  return lines.filter((l) => l.trim()).join("\n");
}

/** One block per `<START>` dialogue of the card's example messages. */
function exampleBlocks(input: AssembleInput, build: Build): PromptBlock[] {
  const raw = input.character.mes_example?.replace(/\r\n?/g, "\n").trim() ?? "";
  if (!raw) return [];
  const dialogues = raw
    .split(/^<START>\s*$/im)
    .map((d) => d.trim())
    .filter(Boolean);
  const userName = input.template.exampleUserName;
  return dialogues.map((dialogue, i) => {
    const text = dialogue.replace(/^\{\{user\}\}:/gim, `${userName}:`);
    const intro = i === 0 && input.template.exampleSeparator === "" ? "\n\nExample dialogue:\n" : "\n";
    return build("example", null, "", `${intro}${input.template.exampleSeparator}${text}`, "");
  });
}

/**
 * A message in the history. A reply is stored as the model wrote it after the open reply header
 * (usually starting with a space), so it is written back after the same header: the prompt then
 * matches the tokens already in the KV cache and the next turn evaluates only what is new.
 */
function messageBlock(
  message: PromptMessage,
  template: PromptTemplate,
  build: Build,
  open: boolean,
): PromptBlock {
  if (message.role === "user")
    return build("message", message.id, template.userPrefix, message.text, template.userSuffix);
  const header = openPrefix(template.characterPrefix);
  const gap = template.characterPrefix.slice(header.length);
  const text = gap && !message.generated && !/^\s/.test(message.text) ? gap + message.text : message.text;
  return build(
    "message",
    message.id,
    header,
    text,
    open ? "" : template.characterSuffix,
    undefined,
    message.speaker,
  );
}

/** Group chats: character turns open with the writer's name, also in templates whose header has none. */
function withNamedTurns(input: AssembleInput): AssembleInput {
  const prefix = input.template.characterPrefix;
  if (/\{\{\s*char\s*\}\}/i.test(prefix)) return input;
  return { ...input, template: { ...input.template, characterPrefix: `${prefix}{{char}}: ` } };
}

/** The reply header without trailing spaces: the model writes the space itself (` Hello`). */
function openPrefix(prefix: string): string {
  return prefix.replace(/ +$/, "");
}

function stopStringsFor(template: PromptTemplate, mode: AssembleMode): string[] {
  if (mode !== "impersonate") return template.stopStrings;
  // Writing as the user: stop where the character would speak next.
  const characterHeader = template.characterPrefix.trim() ? [`\n${template.characterPrefix.trim()}`] : [];
  return ["\n{{char}}:", ...characterHeader];
}

function overflow(
  input: AssembleInput,
  prefixTokens: number,
  lastTokens: number,
  needed: number,
  budget: number,
) {
  return new MasqueError(
    "CONTEXT_OVERFLOW",
    `The system prompt and persona (${prefixTokens} tokens) and the last message (${lastTokens} tokens) need ` +
      `${needed} tokens with the template, but only ${budget} of the ${input.contextSize}-token context are left after ` +
      `reserving ${input.maxReplyTokens} for the reply. Raise the context size, lower the reply length, or shorten the message.`,
    {
      personaTokens: prefixTokens,
      lastMessageTokens: lastTokens,
      needed,
      budget,
      contextSize: input.contextSize,
    },
  );
}

/**
 * The first message to keep: the smallest multiple of `chunk` whose suffix fits the budget, or,
 * when no chunk boundary fits, the first single message that does.
 */
export function firstKeptIndex(tokens: number[], budget: number, chunk: number): number {
  const suffix: number[] = new Array(tokens.length + 1).fill(0);
  for (let i = tokens.length - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] ?? 0) + (tokens[i] ?? 0);
  for (let i = 0; i < tokens.length; i += chunk) {
    if ((suffix[i] ?? 0) <= budget) return i;
  }
  for (let i = Math.floor(Math.max(0, tokens.length - 1) / chunk) * chunk; i < tokens.length; i++) {
    if ((suffix[i] ?? 0) <= budget) return i;
  }
  return tokens.length;
}

export function promptText(blocks: readonly PromptBlock[]): string {
  return blocks.map((b) => b.pieces.map((p) => p.text).join("")).join("");
}

/**
 * Simulated KV-cache cost of lore placement over a scripted chat (no model): each turn the real
 * activation, budget, placement and prompt assembly build the prompt; a simple tokenizer turns it
 * into tokens; the cache holds the previous prompt plus the reply. Per turn:
 * - evaluated: prompt tokens the cache cannot supply, either as node-llama-cpp 3.21.1 aligns a
 *   sequence with shifting allowed (the cache tokens matching the prompt in order are kept, the
 *   others erased, what follows slides back: `adaptStateToTokens`) or with the common prefix only
 *   (models whose cache cannot shift);
 * - new: tokens that appear for the first time: the new message with its markup, newly fired lore
 *   (the prompt's growth over the cache, plus whatever the prompt dropped since).
 * The figure is Σ evaluated / Σ new over the turns after the first, for Masque's "cache" placement
 * and for a baseline that puts all lore before the character definitions.
 */
import { type Lorebook, newLoreEntry } from "../shared/domain/lore";
import { assemblePrompt, type PromptBlock, type PromptMessage } from "../shared/prompt/assemble";
import { composeLore } from "../shared/prompt/lore/compose";
import { DEFAULT_LORE_SETTINGS, type ScanBook } from "../shared/prompt/lore/types";
import type { LorePlacementMode } from "../shared/prompt/placement";
import { seededStream } from "../shared/prompt/random";
import { CHATML, type PromptTemplate } from "../shared/prompt/template";

export interface SimulationOptions {
  turns: number;
  contextSize: number;
  /** Chance that a user message names a lore keyword ... */
  mentionChance: number;
  /** ... and that the reply names it again. */
  echoChance: number;
  seed: number;
  note?: { text: string; depth: number; every: number };
  template?: PromptTemplate;
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  turns: 200,
  contextSize: 8192,
  mentionChance: 0.16,
  echoChance: 0.4,
  seed: 20240611,
};

export interface CacheCost {
  evaluated: number;
  newTokens: number;
  ratio: number;
}

export interface PlacementCost {
  /** The cache shifts to skip erased blocks (the figure): llama.cpp-based engines. */
  shift: CacheCost;
  /** node-llama-cpp's own greedy alignment, chance matches included. */
  greedy: CacheCost;
  /** Only the common prefix is reused (models whose cache cannot shift). */
  prefixOnly: CacheCost;
}

export interface SimulationResult {
  placement: PlacementCost;
  baseline: PlacementCost;
  /** Share of turns on which a keyed entry was in the prompt, and on which one fired anew. */
  loreActiveShare: number;
  loreNewShare: number;
  turns: number;
  averagePromptTokens: number;
}

const FILLER = (
  "the a and of to in was it with that on for as at by from but not this all they there we she he " +
  "you were had her his said would their what so up out if about who get which go me when make can like " +
  "time just him know take people into year your good some could them see other than then now look only " +
  "come its over think also back after use two how our work first well way even new want because any these " +
  "give day most us wind rope sail water boat deck cold warm light dark road hill stone river bread coat"
).split(" ");

const KEYWORDS = [
  "Lighthouse",
  "Rell",
  "Saltmarket",
  "Greywater",
  "Moonbridge",
  "Ostrava",
  "Kestrel",
  "Vantablue",
  "Harrowgate",
  "Quillon",
  "Emberfall",
  "Dunmere",
];

/** A world-info-like book: one constant entry, twelve keyed ones; one names another (recursion). */
export function simulationBook(random: () => number): Lorebook {
  const words = (n: number) => Array.from({ length: n }, () => pick(FILLER, random)).join(" ");
  const keyed = KEYWORDS.map((keyword, i) => ({
    ...newLoreEntry(i + 1),
    keys: [keyword],
    content: `${keyword}: ${words(25 + ((i * 7) % 20))}.${i === 0 ? " The keeper is called Rell." : ""}`,
    insertionOrder: 100 + i,
  }));
  return {
    name: "Harbor world",
    description: "",
    scanDepth: null,
    tokenBudget: null,
    recursiveScanning: null,
    entries: [{ ...newLoreEntry(0), constant: true, content: `World rules: ${words(30)}.` }, ...keyed],
    extensions: {},
    source: null,
  };
}

/** Words, runs of spaces, runs of newlines, single marks; template control tokens are one token. */
export function tokenize(blocks: readonly PromptBlock[]): string[] {
  return blocks.flatMap((b) => b.pieces).flatMap((p) => (p.special ? [p.text] : tokenizeText(p.text)));
}

function tokenizeText(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+|[^\S\n]+|\n+|[^\p{L}\p{N}\s]/gu) ?? [];
}

const countTokens = (text: string) => tokenizeText(text).length;

/**
 * node-llama-cpp 3.21.1's alignment with shifting, as written: walk the cache and keep every token
 * that equals the next prompt token. It also keeps tokens that match only by chance (a common word
 * inside an erased block), so it counts fewer evaluated tokens than a real realignment would.
 */
export function greedyReuse(cache: readonly string[], prompt: readonly string[]): number {
  const keep = prompt.length - 1;
  let j = 0;
  for (let i = 0; i < cache.length && j < keep; i++) if (cache[i] === prompt[j]) j++;
  return j;
}

/**
 * Shifting without chance matches: after a mismatch, the cache may skip ahead only to a place
 * where at least `minRun` tokens match the prompt in a row (a block that was erased before it),
 * and the rest slides back. This is the figure reported.
 */
export function shiftReuse(cache: readonly string[], prompt: readonly string[], minRun = 16): number {
  const keep = prompt.length - 1;
  let i = 0;
  let j = 0;
  while (j < keep && i < cache.length) {
    if (cache[i] === prompt[j]) {
      i++;
      j++;
      continue;
    }
    const next = nextRun(cache, i + 1, prompt, j, Math.min(minRun, keep - j));
    if (next < 0) break;
    i = next;
  }
  return j;
}

function nextRun(cache: readonly string[], from: number, prompt: readonly string[], at: number, run: number) {
  for (let k = from; k + run <= cache.length; k++) {
    let n = 0;
    while (n < run && cache[k + n] === prompt[at + n]) n++;
    if (n === run) return k;
  }
  return -1;
}

export function prefixReuse(cache: readonly string[], prompt: readonly string[]): number {
  const keep = prompt.length - 1;
  let j = 0;
  while (j < keep && j < cache.length && cache[j] === prompt[j]) j++;
  return j;
}

interface Turn {
  user: PromptMessage;
  reply: PromptMessage;
}

/** The scripted chat: user messages sometimes name a keyword, replies sometimes name it again. */
export function scriptedTurns(options: SimulationOptions): Turn[] {
  const random = seededStream(options.seed + 1);
  const words = (n: number) => Array.from({ length: n }, () => pick(FILLER, random)).join(" ");
  const turns: Turn[] = [];
  for (let t = 0; t < options.turns; t++) {
    const keyword = random() < options.mentionChance ? pick(KEYWORDS, random) : null;
    const userWords = words(10 + Math.floor(random() * 15));
    const replyWords = words(30 + Math.floor(random() * 40));
    const echo = keyword !== null && random() < options.echoChance;
    turns.push({
      user: {
        id: 2 * t + 2,
        role: "user",
        text: keyword ? `${userWords} ${keyword} ${words(3)}` : userWords,
      },
      reply: {
        id: 2 * t + 3,
        role: "character",
        text: ` ${echo ? `${replyWords} ${keyword}` : replyWords}.`,
        generated: true,
      },
    });
  }
  return turns;
}

function simulate(options: SimulationOptions, baseline: boolean) {
  const template = options.template ?? CHATML;
  const book = simulationBook(seededStream(options.seed));
  const entries = baseline
    ? book.entries.map((e) => ({ ...e, position: { at: "before-character" as const } }))
    : book.entries;
  const books: ScanBook[] = [{ key: "lorebook:1", ...book, entries }];
  const mode: LorePlacementMode = baseline ? "as-written" : "cache";
  const greeting: PromptMessage = { id: 1, role: "character", text: "Welcome aboard, traveller." };
  const history: PromptMessage[] = [greeting];
  const totals = {
    shift: { evaluated: 0, newTokens: 0 },
    greedy: { evaluated: 0, newTokens: 0 },
    prefixOnly: { evaluated: 0, newTokens: 0 },
  };
  let cache: string[] = [];
  let previous: PromptBlock[] = [];
  let active = 0;
  let fresh = 0;
  let promptTokens = 0;
  let lastLore = new Set<string>();
  const turns = scriptedTurns(options);
  turns.forEach((turn, t) => {
    history.push(turn.user);
    const lore = composeLore({
      books,
      history,
      settings: DEFAULT_LORE_SETTINGS,
      seed: options.seed,
      contextSize: options.contextSize,
      countTokens,
      mode,
      note: options.note ?? null,
      persona: {
        id: 1,
        text: "Sam is a courier who carries letters between the islands.",
        position: "prefix",
        depth: 0,
      },
    });
    const keyed = new Set(lore.budget.kept.filter((k) => k.reason.kind !== "constant").map((k) => k.id));
    if (keyed.size > 0) active++;
    if ([...keyed].some((id) => !lastLore.has(id))) fresh++;
    lastLore = keyed;
    const prompt = assemblePrompt({
      character: {
        name: "Aria",
        description: "Aria keeps the harbor office and knows every ship and sailor by name.",
        personality: "Warm, curious, a little sly.",
        scenario: "A stormy evening in the harbor town.",
      },
      userName: "Sam",
      history,
      template,
      contextSize: options.contextSize,
      maxReplyTokens: 300,
      countTokens,
      ...lore.fields,
    });
    const tokens = tokenize(prompt.blocks);
    promptTokens += tokens.length;
    if (t > 0) {
      const removed = removedTokens(previous, prompt.blocks);
      const newTokens = tokens.length - cache.length + removed;
      for (const [key, reuse] of [
        ["shift", shiftReuse],
        ["greedy", greedyReuse],
        ["prefixOnly", prefixReuse],
      ] as const) {
        totals[key].evaluated += tokens.length - reuse(cache, tokens);
        totals[key].newTokens += newTokens;
      }
    }
    cache = [...tokens, ...tokenizeText(turn.reply.text)];
    previous = prompt.blocks;
    history.push(turn.reply);
  });
  const cost = (c: { evaluated: number; newTokens: number }): CacheCost => ({
    ...c,
    ratio: c.evaluated / c.newTokens,
  });
  return {
    costs: { shift: cost(totals.shift), greedy: cost(totals.greedy), prefixOnly: cost(totals.prefixOnly) },
    active: active / turns.length,
    fresh: fresh / turns.length,
    averagePromptTokens: Math.round(promptTokens / turns.length),
  };
}

/** Tokens of the previous prompt's blocks (messages, lore, note, persona) that this prompt no longer has. */
function removedTokens(previous: readonly PromptBlock[], current: readonly PromptBlock[]): number {
  const key = (b: PromptBlock) => `${b.kind}|${b.messageId}|${b.pieces.map((p) => p.text).join("")}`;
  const now = new Set(current.map(key));
  return previous
    .filter((b) => b.kind !== "reply-prefix" && !now.has(key(b)))
    .reduce((s, b) => s + tokenize([b]).length, 0);
}

export function simulateLoreCaching(options: SimulationOptions = DEFAULT_SIMULATION): SimulationResult {
  const placement = simulate(options, false);
  const baseline = simulate(options, true);
  return {
    placement: placement.costs,
    baseline: baseline.costs,
    loreActiveShare: placement.active,
    loreNewShare: placement.fresh,
    turns: options.turns,
    averagePromptTokens: placement.averagePromptTokens,
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

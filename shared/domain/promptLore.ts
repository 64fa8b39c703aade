/** What the prompt inspector shows about lore, the author's note and the persona of one prompt. */

export interface FiredLoreView {
  /** "lorebook:ID#UID" or "character:ID#UID". */
  id: string;
  book: string;
  name: string;
  /** Why it fired, in words: "key "sword" in message 12", "constant", "recursion from …". */
  why: string;
  /** The message whose text matched (key activations). */
  messageId: number | null;
  /** Where it went: "before the character", "after message 12", … or null when it was left out. */
  placed: string | null;
  tokens: number;
}

export interface PromptLoreReport {
  fired: FiredLoreView[];
  /** Fired but dropped by the budget, and why. */
  dropped: { id: string; tokens: number; reason: string }[];
  /** Kept but with no place in the prompt, and why. */
  unplaced: { id: string; reason: string }[];
  /** Matched but did not fire (a failed probability roll), or keys that could not be used. */
  skipped: { id: string; reason: string }[];
  /** Books attached to the chat that could not be scanned. */
  problems: string[];
  /** The lore budget in tokens and what the kept entries use. */
  budget: number;
  used: number;
  persona: { id: number; name: string } | null;
  note: { text: string; depth: number; every: number } | null;
}

/**
 * The lore budget: fired entries may use a share of the context (with a cap), and each book may
 * set its own limit. When they do not fit, the lowest-ranked entries leave first (rank: the
 * entry's priority, else its insertion order; entries found by recursion before the ones that
 * found them), and an entry that fired only through a dropped entry leaves with it. Every drop is
 * reported with its reason.
 */
import type { EntryId, FiredEntry, LoreSettings, ScanBook } from "./types";

export interface BudgetedEntry extends FiredEntry {
  tokens: number;
}

export interface DroppedLore {
  id: EntryId;
  tokens: number;
  reason: string;
}

export interface BudgetResult {
  /** In the order they fired. */
  kept: BudgetedEntry[];
  dropped: DroppedLore[];
  /** The global budget in tokens, and what the kept entries use of it. */
  budget: number;
  used: number;
}

export interface BudgetInput {
  fired: readonly FiredEntry[];
  books: readonly ScanBook[];
  contextSize: number;
  settings: Pick<LoreSettings, "budgetPercent" | "budgetCap">;
  countTokens: (text: string) => number;
}

/** The share of the context lore may use, capped (a cap of 0 means none). */
export function loreBudget(contextSize: number, settings: Pick<LoreSettings, "budgetPercent" | "budgetCap">) {
  const share = Math.floor((contextSize * settings.budgetPercent) / 100);
  return settings.budgetCap > 0 ? Math.min(share, settings.budgetCap) : share;
}

export function applyLoreBudget(input: BudgetInput): BudgetResult {
  const entries: BudgetedEntry[] = input.fired.map((f) => ({
    ...f,
    tokens: input.countTokens(f.entry.content),
  }));
  const kept = new Map(entries.map((e) => [e.id, e]));
  const dropped: DroppedLore[] = [];
  const drop = (entry: BudgetedEntry, reason: string) => {
    if (!kept.delete(entry.id)) return;
    dropped.push({ id: entry.id, tokens: entry.tokens, reason });
    for (const dependent of kept.values()) {
      if (dependent.reason.kind === "recursion" && dependent.reason.fromEntry === entry.id) {
        drop(dependent, `it fired only through ${entry.id}, which was dropped`);
      }
    }
  };
  const trim = (pool: () => BudgetedEntry[], limit: number, why: (tokens: number) => string) => {
    const needed = sum(pool());
    for (const entry of lowestFirst(pool(), entries)) {
      if (sum(pool()) <= limit) return;
      if (kept.has(entry.id)) drop(entry, why(needed));
    }
  };
  for (const book of input.books) {
    const limit = book.tokenBudget ?? 0;
    if (limit <= 0) continue;
    const pool = () => [...kept.values()].filter((e) => e.bookKey === book.key);
    trim(
      pool,
      limit,
      (used) => `book "${book.name}" allows ${limit} tokens of lore; its entries needed ${used}`,
    );
  }
  const budget = loreBudget(input.contextSize, input.settings);
  const capNote = input.settings.budgetCap > 0 ? `, capped at ${input.settings.budgetCap}` : "";
  trim(
    () => [...kept.values()],
    budget,
    (used) =>
      `the lore budget is ${budget} tokens (${input.settings.budgetPercent}% of ${input.contextSize}${capNote}); ` +
      `fired entries needed ${used}`,
  );
  const keptInOrder = entries.filter((e) => kept.has(e.id));
  return { kept: keptInOrder, dropped, budget, used: sum(keptInOrder) };
}

function rank(entry: FiredEntry): number {
  return entry.entry.priority ?? entry.entry.insertionOrder;
}

/** Lowest rank first; among equals, the later recursion step, then the later one to fire. */
function lowestFirst(pool: BudgetedEntry[], fireOrder: BudgetedEntry[]): BudgetedEntry[] {
  const index = new Map(fireOrder.map((e, i) => [e.id, i]));
  return [...pool].sort(
    (a, b) => rank(a) - rank(b) || b.step - a.step || (index.get(b.id) ?? 0) - (index.get(a.id) ?? 0),
  );
}

function sum(entries: readonly BudgetedEntry[]): number {
  return entries.reduce((s, e) => s + e.tokens, 0);
}

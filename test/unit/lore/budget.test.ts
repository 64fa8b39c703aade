import { describe, expect, it } from "vitest";
import { type LoreEntry, newLoreEntry } from "../../../shared/domain/lore";
import { applyLoreBudget, loreBudget } from "../../../shared/prompt/lore/budget";
import type { FiredEntry, FireReason, ScanBook } from "../../../shared/prompt/lore/types";

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

function fired(
  book: string,
  uid: number,
  tokens: number,
  entry: Partial<LoreEntry> = {},
  reason: FireReason = { kind: "constant" },
  step = 0,
): FiredEntry {
  return {
    id: `${book}#${uid}`,
    bookKey: book,
    entry: { ...newLoreEntry(uid), content: words(tokens), ...entry },
    reason,
    step,
  };
}

const book = (key: string, tokenBudget: number | null = null): ScanBook => ({
  key,
  name: key,
  scanDepth: null,
  tokenBudget,
  recursiveScanning: null,
  entries: [],
});

const settings = (budgetPercent: number, budgetCap = 0) => ({ budgetPercent, budgetCap });

describe("lore budget", () => {
  it.each([
    [4096, 25, 0, 1024],
    [4096, 25, 500, 500],
    [4096, 10, 2000, 409],
    [1000, 0, 0, 0],
  ])("%i tokens of context at %i%% capped at %i is %i", (context, percent, cap, expected) => {
    expect(loreBudget(context, settings(percent, cap))).toBe(expected);
  });

  it("keeps everything that fits, in firing order", () => {
    const result = applyLoreBudget({
      fired: [fired("b", 1, 10), fired("b", 2, 10)],
      books: [book("b")],
      contextSize: 100,
      settings: settings(25),
      countTokens: countWords,
    });
    expect(result.kept.map((k) => k.id)).toEqual(["b#1", "b#2"]);
    expect(result).toMatchObject({ dropped: [], budget: 25, used: 20 });
  });

  it("drops the lowest-ranked first (priority, else insertion order) and says why", () => {
    const result = applyLoreBudget({
      fired: [
        fired("b", 1, 10, { insertionOrder: 50 }),
        fired("b", 2, 10, { insertionOrder: 10 }),
        fired("b", 3, 10, { insertionOrder: 10, priority: 90 }),
        fired("b", 4, 10, { insertionOrder: 30 }),
      ],
      books: [book("b")],
      contextSize: 100,
      settings: settings(25),
      countTokens: countWords,
    });
    expect(result.kept.map((k) => k.id)).toEqual(["b#1", "b#3"]);
    expect(result.dropped).toEqual([
      { id: "b#2", tokens: 10, reason: "the lore budget is 25 tokens (25% of 100); fired entries needed 40" },
      { id: "b#4", tokens: 10, reason: "the lore budget is 25 tokens (25% of 100); fired entries needed 40" },
    ]);
    expect(result.used).toBe(20);
  });

  it("an entry found only through a dropped entry leaves with it", () => {
    const result = applyLoreBudget({
      fired: [
        fired("b", 1, 20, { insertionOrder: 1 }),
        fired(
          "b",
          2,
          5,
          { insertionOrder: 99 },
          { kind: "recursion", key: "x", fromEntry: "b#1", secondary: [] },
          1,
        ),
        fired("b", 3, 10, { insertionOrder: 50 }),
      ],
      books: [book("b")],
      contextSize: 100,
      settings: settings(20, 0),
      countTokens: countWords,
    });
    expect(result.kept.map((k) => k.id)).toEqual(["b#3"]);
    expect(result.dropped.map((d) => [d.id, d.reason])).toEqual([
      ["b#1", expect.stringContaining("the lore budget is 20 tokens")],
      ["b#2", "it fired only through b#1, which was dropped"],
    ]);
  });

  it("among equal ranks, recursion finds leave before the entries that found them", () => {
    const result = applyLoreBudget({
      fired: [
        fired("b", 1, 10),
        fired("b", 2, 10, {}, { kind: "recursion", key: "x", fromEntry: "b#1", secondary: [] }, 1),
      ],
      books: [book("b")],
      contextSize: 100,
      settings: settings(15),
      countTokens: countWords,
    });
    expect(result.kept.map((k) => k.id)).toEqual(["b#1"]);
  });

  it("a book's own token budget applies to its entries, with the cap noted", () => {
    const result = applyLoreBudget({
      fired: [fired("small", 1, 10), fired("small", 2, 10, { insertionOrder: 1 }), fired("big", 1, 30)],
      books: [book("small", 15), book("big")],
      contextSize: 1000,
      settings: settings(50, 40),
      countTokens: countWords,
    });
    expect(result.kept.map((k) => k.id)).toEqual(["small#1", "big#1"]);
    expect(result.dropped).toEqual([
      { id: "small#2", tokens: 10, reason: 'book "small" allows 15 tokens of lore; its entries needed 20' },
    ]);
    const capped = applyLoreBudget({
      fired: [fired("big", 1, 30), fired("big", 2, 30, { insertionOrder: 1 })],
      books: [book("big")],
      contextSize: 1000,
      settings: settings(50, 40),
      countTokens: countWords,
    });
    expect(capped.dropped[0]?.reason).toBe(
      "the lore budget is 40 tokens (50% of 1000, capped at 40); fired entries needed 60",
    );
  });
});

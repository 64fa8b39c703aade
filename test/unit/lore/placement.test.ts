import { describe, expect, it } from "vitest";
import { type LoreEntry, type LorePosition, newLoreEntry } from "../../../shared/domain/lore";
import type { FiredEntry, FireReason } from "../../../shared/prompt/lore/types";
import type { NoteMessage } from "../../../shared/prompt/note";
import { type PlacementInput, placePromptBlocks } from "../../../shared/prompt/placement";

/** Greeting (1), then user (even ids) and character (odd ids): ids 1..n. */
const path = (n: number): NoteMessage[] =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, role: i % 2 === 1 ? "user" : "character" }));

const key = (messageId: number): FireReason => ({ kind: "key", key: "k", messageId, secondary: [] });
const constant: FireReason = { kind: "constant" };
const from = (id: string): FireReason => ({ kind: "recursion", key: "k", fromEntry: id, secondary: [] });

function fired(
  uid: number,
  reason: FireReason,
  position: LorePosition,
  entry: Partial<LoreEntry> = {},
): FiredEntry {
  return {
    id: `b#${uid}`,
    bookKey: "b",
    entry: { ...newLoreEntry(uid), content: `lore ${uid}`, position, ...entry },
    reason,
    step: reason.kind === "recursion" ? 1 : 0,
  };
}

const BEFORE: LorePosition = { at: "before-character" };
const AFTER: LorePosition = { at: "after-character" };
const depth = (d: number, role: "system" | "user" | "character" = "system"): LorePosition => ({
  at: "depth",
  depth: d,
  role,
});

const place = (lore: FiredEntry[], over: Partial<PlacementInput> = {}) =>
  placePromptBlocks({ lore, history: path(8), mode: "cache", ...over });

describe("cache placement", () => {
  it("what comes and goes goes right after the message that fired it", () => {
    const result = place([fired(1, key(4), BEFORE), fired(2, key(8), AFTER)]);
    expect(result.loreBefore).toEqual([]);
    expect(result.inserts).toEqual([
      { kind: "lore", afterMessageId: 4, text: "lore 1", entryIds: ["b#1"] },
      { kind: "lore", afterMessageId: 8, text: "lore 2", entryIds: ["b#2"] },
    ]);
  });

  it("recursion finds go with the entry that found them, in insertion order, in one block", () => {
    const result = place([
      fired(1, key(6), BEFORE, { insertionOrder: 50 }),
      fired(2, from("b#1"), AFTER, { insertionOrder: 10 }),
      fired(3, from("b#2"), BEFORE, { insertionOrder: 70 }),
    ]);
    expect(result.inserts).toEqual([
      { kind: "lore", afterMessageId: 6, text: "lore 2\nlore 1\nlore 3", entryIds: ["b#2", "b#1", "b#3"] },
    ]);
  });

  it("a depth on a keyed entry counts back from its message, as its role", () => {
    const result = place([fired(1, key(6), depth(2, "user")), fired(2, key(2), depth(5))]);
    expect(result.inserts).toEqual([
      { kind: "lore", afterMessageId: 4, text: "lore 1", entryIds: ["b#1"], role: "user" },
      { kind: "lore", afterMessageId: null, text: "lore 2", entryIds: ["b#2"] },
    ]);
  });

  it("what is always there stays where its book put it: the prefix, in insertion order", () => {
    const result = place([
      fired(1, constant, BEFORE, { insertionOrder: 20 }),
      fired(2, constant, BEFORE, { insertionOrder: 10 }),
      fired(3, constant, AFTER),
      fired(4, constant, { at: "examples-top" }),
      fired(5, from("b#3"), BEFORE),
    ]);
    expect(result.loreBefore.map((l) => l.entryIds)).toEqual([["b#2"], ["b#1"], ["b#5"]]);
    expect(result.loreAfter.map((l) => l.entryIds)).toEqual([["b#3"], ["b#4"]]);
    expect(result.inserts).toEqual([]);
  });

  it("a constant entry at a depth is anchored and moves once every few turns", () => {
    const anchors = [2, 4, 6, 8, 10, 12].map(
      (n) => place([fired(1, constant, depth(1))], { history: path(n) }).inserts[0]?.afterMessageId,
    );
    expect(anchors).toEqual([1, 1, 1, 1, 9, 9]);
  });

  it("the author's note is anchored; note-positioned constant entries join it", () => {
    const result = place(
      [fired(1, constant, { at: "note-top" }), fired(2, constant, { at: "note-bottom" })],
      { note: { text: "Keep it short.", depth: 2, every: 3 }, history: path(10) },
    );
    // Turn 5 (message 10): due turns 1, 4, 7; turn 4 ended at message 8; depth 2 → after 6.
    expect(result.inserts).toEqual([
      { kind: "note", afterMessageId: 6, text: "lore 1\nKeep it short.\nlore 2", entryIds: ["b#1", "b#2"] },
    ]);
  });

  it("the persona: in the prefix, or anchored at a depth", () => {
    const persona = { id: 3, text: "Sam is a sailor.", position: "prefix" as const, depth: 0 };
    expect(place([], { persona }).persona).toEqual({ id: 3, text: "Sam is a sailor." });
    // Turn 4: anchored where turn 1 put it (re-anchored on turns 1, 5, 9...): message 2 minus 1.
    expect(place([], { persona: { ...persona, position: "depth", depth: 1 } }).inserts).toEqual([
      { kind: "user-persona", afterMessageId: 1, text: "Sam is a sailor.", entryIds: ["persona:3"] },
    ]);
  });

  it("entries without content are skipped; unsupported positions are reported", () => {
    const result = place([
      fired(1, key(2), BEFORE, { content: "  " }),
      fired(2, constant, { at: "unsupported", code: 7 }),
    ]);
    expect(result.inserts).toEqual([]);
    expect(result.unplaced).toEqual([{ id: "b#2", reason: "position code 7 is not supported" }]);
  });
});

describe("as-written placement (SillyTavern's layout)", () => {
  it("puts every entry at its book's position, depths from the end each turn", () => {
    const result = place([fired(1, key(4), BEFORE), fired(2, key(2), AFTER), fired(3, key(6), depth(1))], {
      mode: "as-written",
    });
    expect(result.loreBefore.map((l) => l.entryIds)).toEqual([["b#1"]]);
    expect(result.loreAfter.map((l) => l.entryIds)).toEqual([["b#2"]]);
    expect(result.inserts).toEqual([{ kind: "lore", afterMessageId: 7, text: "lore 3", entryIds: ["b#3"] }]);
  });

  it("the note appears only on due turns, with its entries; otherwise they are reported", () => {
    const lore = [fired(1, constant, { at: "note-top" })];
    const note = { text: "N", depth: 0, every: 2 };
    expect(place(lore, { mode: "as-written", note, history: path(6) }).inserts).toEqual([
      { kind: "note", afterMessageId: 6, text: "lore 1\nN", entryIds: ["b#1"] },
    ]);
    const off = place(lore, { mode: "as-written", note, history: path(8) });
    expect(off.inserts).toEqual([]);
    expect(off.unplaced).toEqual([{ id: "b#1", reason: "the author's note is not in this prompt" }]);
  });
});

/**
 * Where lore, the author's note and the persona go in the prompt, chosen so that the prompt the
 * KV cache holds stays valid from turn to turn (docs/lore-caching.md).
 *
 * "cache" (the default):
 * - What is always there stays where its book put it: constant entries (and what they fire by
 *   recursion) in the prefix around the character definitions; a constant entry at a depth, the
 *   note and a persona at a depth are anchored and move only once per few turns.
 * - What comes and goes is inserted right after the message whose key fired it (recursion finds
 *   go with the entry that found them), and stays there while that message is in the scan
 *   window. Adding it then costs only its own tokens, because everything before it is unchanged;
 *   removing it later costs nothing with a cache that can shift (llama.cpp's), since the tokens
 *   after it are kept and slid back. A depth set on the entry counts back from that message.
 * "as-written" (SillyTavern's layout): every entry at its book's position, depths counted from the
 *   end on every turn; the note only on its due turns.
 */
import type { LoreRole } from "../domain/lore";
import type { HistoryInsert, PrefixInsert } from "./assemble";
import type { EntryId, FiredEntry } from "./lore/types";
import { type NoteMessage, placeAuthorNote } from "./note";

export type LorePlacementMode = "cache" | "as-written";

/** How often anchored blocks at a depth (constant lore, a persona) move forward, in turns. */
export const REANCHOR_TURNS = 4;

export interface PlacementInput {
  /** The entries to place (kept by the budget), in the order they fired. */
  lore: readonly FiredEntry[];
  /** The chat's active path, root first, ending with the message being answered. */
  history: readonly NoteMessage[];
  mode: LorePlacementMode;
  note?: { text: string; depth: number; every: number } | null;
  persona?: { id: number; text: string; position: "prefix" | "depth"; depth: number } | null;
}

export interface PlacementResult {
  loreBefore: PrefixInsert[];
  loreAfter: PrefixInsert[];
  persona?: { id: number; text: string };
  inserts: HistoryInsert[];
  /** Entries that fired but have no place, and why. */
  unplaced: { id: EntryId; reason: string }[];
}

type Spot =
  | { kind: "before" | "after" | "note-top" | "note-bottom" }
  | { kind: "insert"; afterMessageId: number | null; role: LoreRole | null };

export function placePromptBlocks(input: PlacementInput): PlacementResult {
  const result: PlacementResult = { loreBefore: [], loreAfter: [], inserts: [], unplaced: [] };
  const spots = new Map<EntryId, Spot>();
  const byId = new Map(input.lore.map((f) => [f.id, f]));
  for (const fired of input.lore) {
    if (fired.entry.content.trim() === "") continue;
    const spot = spotOf(fired, byId, input);
    if (spot) spots.set(fired.id, spot);
    else if (fired.entry.position.at === "unsupported") {
      result.unplaced.push({
        id: fired.id,
        reason: `position code ${fired.entry.position.code} is not supported`,
      });
    }
  }
  const group = (match: (s: Spot) => boolean) =>
    input.lore
      .filter((f) => {
        const spot = spots.get(f.id);
        return spot !== undefined && match(spot);
      })
      .sort((a, b) => a.entry.insertionOrder - b.entry.insertionOrder);
  const asPrefix = (entries: FiredEntry[]) =>
    entries.map((f) => ({ text: f.entry.content.trim(), entryIds: [f.id] }));
  result.loreBefore = asPrefix(group((s) => s.kind === "before"));
  result.loreAfter = asPrefix(group((s) => s.kind === "after"));

  // Blocks at the same place keep this order, steadiest first: persona, note, then lore.
  placePersona(input, result);
  placeNote(
    input,
    group((s) => s.kind === "note-top"),
    group((s) => s.kind === "note-bottom"),
    result,
  );

  const anchored = group((s) => s.kind === "insert");
  const spotOfEntry = (f: FiredEntry) => spots.get(f.id) as Extract<Spot, { kind: "insert" }>;
  const anchorKey = (f: FiredEntry) => `${spotOfEntry(f).afterMessageId}|${spotOfEntry(f).role ?? "system"}`;
  // Entries at the same place, as the same role, share one block.
  for (const key of [...new Set(anchored.map(anchorKey))]) {
    const entries = anchored.filter((f) => anchorKey(f) === key);
    const spot = spotOfEntry(entries[0] as FiredEntry);
    const insert: HistoryInsert = {
      kind: "lore",
      afterMessageId: spot.afterMessageId,
      text: entries.map((f) => f.entry.content.trim()).join("\n"),
      entryIds: entries.map((f) => f.id),
    };
    if (spot.role && spot.role !== "system") insert.role = spot.role;
    result.inserts.push(insert);
  }
  return result;
}

function spotOf(fired: FiredEntry, byId: Map<EntryId, FiredEntry>, input: PlacementInput): Spot | null {
  const position = fired.entry.position;
  if (position.at === "unsupported") return null;
  const depth = position.at === "depth" ? position.depth : 0;
  const role = position.at === "depth" ? position.role : null;
  const trigger = input.mode === "cache" ? triggerOf(fired, byId) : null;
  if (trigger !== null) {
    // Comes and goes: right after the message that fired it (counting back its depth, if any).
    const index = input.history.findIndex((m) => m.id === trigger);
    const at = (index < 0 ? input.history.length - 1 : index) - depth;
    return { kind: "insert", afterMessageId: at >= 0 ? (input.history[at]?.id ?? null) : null, role };
  }
  switch (position.at) {
    case "before-character":
      return { kind: "before" };
    case "after-character":
    case "examples-top":
    case "examples-bottom":
      return { kind: "after" };
    case "note-top":
    case "note-bottom":
      return { kind: position.at };
    case "depth": {
      const placed = atDepth(input, depth);
      return placed === undefined ? null : { kind: "insert", afterMessageId: placed, role };
    }
  }
}

/**
 * The message that fired the entry, following recursion back to the entry that started it; null
 * for what is always there (constant entries and what they fire).
 */
function triggerOf(fired: FiredEntry, byId: Map<EntryId, FiredEntry>): number | null {
  const seen = new Set<EntryId>();
  let current: FiredEntry | undefined = fired;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    const reason: FiredEntry["reason"] = current.reason;
    if (reason.kind === "key") return reason.messageId;
    if (reason.kind === "constant") return null;
    current = byId.get(reason.fromEntry);
  }
  return null;
}

/** After which message a block at `depth` goes: anchored in cache mode, from the end otherwise. */
function atDepth(input: PlacementInput, depth: number): number | null | undefined {
  if (input.mode === "cache") {
    return placeAuthorNote({ history: input.history, depth, every: REANCHOR_TURNS, mode: "anchored" })
      ?.afterMessageId;
  }
  const at = input.history.length - 1 - depth;
  return at >= 0 ? (input.history[at]?.id ?? null) : null;
}

function placePersona(input: PlacementInput, result: PlacementResult): void {
  const persona = input.persona;
  if (!persona || persona.text.trim() === "") return;
  if (persona.position === "prefix") {
    result.persona = { id: persona.id, text: persona.text };
    return;
  }
  const after = atDepth(input, persona.depth);
  if (after === undefined) return;
  result.inserts.push({
    kind: "user-persona",
    afterMessageId: after,
    text: persona.text,
    entryIds: [`persona:${persona.id}`],
  });
}

function placeNote(
  input: PlacementInput,
  top: FiredEntry[],
  bottom: FiredEntry[],
  result: PlacementResult,
): void {
  const note = input.note;
  const parts = [
    ...top.map((f) => f.entry.content.trim()),
    note?.text.trim() ?? "",
    ...bottom.map((f) => f.entry.content.trim()),
  ];
  if (parts.every((p) => p === "")) return;
  const placed = placeAuthorNote({
    history: input.history,
    depth: note?.depth ?? 4,
    every: note?.every ?? 1,
    mode: input.mode === "cache" ? "anchored" : "fresh",
  });
  const entries = [...top, ...bottom];
  if (!placed) {
    for (const f of entries)
      result.unplaced.push({ id: f.id, reason: "the author's note is not in this prompt" });
    return;
  }
  result.inserts.push({
    kind: "note",
    afterMessageId: placed.afterMessageId,
    text: parts.filter((p) => p !== "").join("\n"),
    entryIds: entries.map((f) => f.id),
  });
}

/** How the entry editor shows an entry's position, and turns its text fields back into an entry. */
import type { LoreEntryView, LorePosition } from "../../../../shared/domain/lore";

export const POSITIONS: { value: string; label: string }[] = [
  { value: "before-character", label: "Before the character" },
  { value: "after-character", label: "After the character" },
  { value: "note-top", label: "Above the author's note" },
  { value: "note-bottom", label: "Below the author's note" },
  { value: "depth", label: "In the chat, at a depth" },
];

export function positionValue(position: LorePosition): string {
  return position.at === "examples-top" || position.at === "examples-bottom"
    ? "after-character"
    : position.at;
}

export function positionFrom(value: string, previous: LorePosition): LorePosition {
  if (value === "depth") {
    return previous.at === "depth" ? previous : { at: "depth", depth: 4, role: "system" };
  }
  return { at: value } as LorePosition;
}

export function keysFrom(text: string): string[] {
  return text
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
}

export type EntryDraft = Pick<
  LoreEntryView,
  | "name"
  | "keys"
  | "secondaryKeys"
  | "selective"
  | "logic"
  | "content"
  | "enabled"
  | "constant"
  | "insertionOrder"
  | "position"
  | "probability"
> & { uid?: number };

export const NEW_ENTRY: EntryDraft = {
  name: "",
  keys: [],
  secondaryKeys: [],
  selective: false,
  logic: "and-any",
  content: "",
  enabled: true,
  constant: false,
  insertionOrder: 100,
  position: { at: "before-character" },
  probability: 100,
};

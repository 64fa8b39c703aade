import { describe, expect, it } from "vitest";
import { isNoteDue, type NoteMessage, type NoteMode, placeAuthorNote } from "../../../shared/prompt/note";

/** Greeting (id 1), then user (even ids) and character (odd ids) in turn: ids 1..n. */
const path = (n: number): NoteMessage[] =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, role: i % 2 === 1 ? "user" : "character" }));

describe("author's note", () => {
  it.each([
    // [case, messages on the path, depth, every, mode, note after message (null: first), placed on turn]
    ["turn 1, depth 0: after the last message", 2, 0, 1, "anchored", 2, 1],
    ["turn 1, depth 1: before the last message", 2, 1, 1, "anchored", 1, 1],
    ["a depth beyond the chat: before the first message", 2, 4, 1, "anchored", null, 1],
    ["turn 3, depth 2, every turn", 6, 2, 1, "anchored", 4, 3],
    ["turn 3, every 2 turns: due (turns 1, 3, 5...)", 6, 2, 2, "anchored", 4, 3],
    ["turn 4, every 2, anchored: stays where turn 3 put it", 8, 2, 2, "anchored", 4, 3],
    ["turn 4, every 2, fresh: not in the prompt", 8, 2, 2, "fresh", undefined, undefined],
    ["turn 5, every 2: due again, moves", 10, 2, 2, "fresh", 8, 5],
    ["turn 6, every 3, anchored: turn 4's place", 12, 1, 3, "anchored", 7, 4],
    ["after a reply (impersonating): counted from the turn's user message", 9, 0, 1, "anchored", 8, 4],
    ["the greeting alone: no turn yet", 1, 0, 1, "anchored", undefined, undefined],
  ] as const)("%s", (_name, n, depth, every, mode, after, turn) => {
    const placed = placeAuthorNote({ history: path(n), depth, every, mode: mode as NoteMode });
    if (after === undefined) expect(placed).toBeNull();
    else expect(placed).toEqual({ afterMessageId: after, placedOnTurn: turn });
  });

  it.each([
    [1, 1, true],
    [2, 1, true],
    [1, 3, true],
    [2, 3, false],
    [3, 3, false],
    [4, 3, true],
    [0, 1, false],
  ])("turn %i with every %i is due: %s", (turn, every, due) => {
    expect(isNoteDue(turn, every)).toBe(due);
  });

  it("anchored: the note moves once per `every` turns, never in between", () => {
    const anchors = [2, 4, 6, 8, 10, 12, 14, 16].map(
      (n) => placeAuthorNote({ history: path(n), depth: 3, every: 4, mode: "anchored" })?.afterMessageId,
    );
    // Turns 1..4 share turn 1's place (before the start), turns 5..8 share turn 5's.
    expect(anchors).toEqual([null, null, null, null, 7, 7, 7, 7]);
  });
});

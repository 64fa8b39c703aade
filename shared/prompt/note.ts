/**
 * The author's note: text inserted `depth` messages from the end, on every `every`-th turn (a
 * turn is a message of the user; the note is due on turns 1, 1 + every, 1 + 2·every, ...).
 * Depth 0 puts it after the last message, depth 1 before it.
 *
 * Two modes. "fresh" (SillyTavern's): the note is in the prompt only on due turns, always at
 * `depth` from the end. "anchored" (the cache-friendly default): from the first due turn on the
 * note stays where the last due turn put it, so the prompt before and after it is unchanged until
 * the next due turn moves it; it costs a re-evaluation once per `every` turns instead of each turn.
 */
export type NoteMode = "anchored" | "fresh";

export interface NoteMessage {
  id: number;
  role: "user" | "character";
}

export interface NotePlacement {
  /** The note goes right after this message (null: before the first message). */
  afterMessageId: number | null;
  /** The turn whose position it has. */
  placedOnTurn: number;
}

export interface NoteInput {
  /** The chat's active path, root first, ending with the message being answered. */
  history: readonly NoteMessage[];
  depth: number;
  every: number;
  mode: NoteMode;
}

/** The number of user messages on the path. */
export function turnOf(history: readonly NoteMessage[]): number {
  return history.filter((m) => m.role === "user").length;
}

export function isNoteDue(turn: number, every: number): boolean {
  return turn >= 1 && (turn - 1) % Math.max(1, every) === 0;
}

export function placeAuthorNote(input: NoteInput): NotePlacement | null {
  const every = Math.max(1, Math.floor(input.every));
  const turn = turnOf(input.history);
  if (turn === 0) return null;
  const dueTurn = turn - ((turn - 1) % every);
  if (input.mode === "fresh" && dueTurn !== turn) return null;
  const end = indexOfUserMessage(input.history, dueTurn);
  const after = end - Math.max(0, Math.floor(input.depth));
  return { afterMessageId: after >= 0 ? (input.history[after]?.id ?? null) : null, placedOnTurn: dueTurn };
}

/** Where the n-th user message (1-based) is on the path. */
function indexOfUserMessage(history: readonly NoteMessage[], n: number): number {
  let seen = 0;
  for (let i = 0; i < history.length; i++) {
    if (history[i]?.role === "user" && ++seen === n) return i;
  }
  return history.length - 1;
}

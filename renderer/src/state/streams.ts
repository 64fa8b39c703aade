/**
 * Streamed generations as a pure reducer: `(state, action) → state`. The actions are the
 * generation events of the protocol (every event has `seq`, deltas have `offset`), a snapshot
 * (`chats.get`'s `pendingGeneration`), and what the renderer itself does (a call named with a
 * fresh id started, was accepted, was refused; a resync was asked for).
 *
 * Text is rebuilt by offset, never guessed: a delta whose offset is the length held is appended,
 * what is already held is skipped, and a delta beyond it waits in `ahead` while the stream asks
 * for a resync (the action layer then reads `chats.get` and feeds the snapshot back in).
 */
import type { EventTypes } from "../../../shared/api/contract";
import type { ChatView, GenerationKind } from "../../../shared/domain/chat";

/** Finished generations remembered so that their late events are ignored. */
export const FINISHED_KEPT = 200;
/** Deltas held while waiting for a gap before them to fill. */
export const AHEAD_KEPT = 256;

/** A delta that arrived before the text it follows. */
export interface HeldDelta {
  seq: number;
  offset: number;
  text: string;
}

/** Whether the stream must be re-seeded from `chats.get`. */
export type ResyncState = "none" | "needed" | "requested";

export interface StreamState {
  generationId: string;
  chatId: number;
  /** What is being generated; null while only deltas are known (shown like a reply). */
  kind: GenerationKind | null;
  /** The message the new reply or swipe hangs under (null: a new greeting, or not known yet). */
  parentId: number | null;
  /** For "continue": the message being extended. */
  messageId: number | null;
  /** The generation's text from its start: exactly what the events up to `seq` rebuild. */
  text: string;
  /** The highest `seq` applied (-1 before any event). */
  seq: number;
  /** Deltas beyond the text held, oldest offset first. */
  ahead: readonly HeldDelta[];
  resync: ResyncState;
  /**
   * The store's clock when the core was known to hold this generation (its call returned, one of
   * its events arrived, a snapshot listed it); null while our call is on its way. A snapshot asked
   * for after that moment and not listing the generation proves it has ended.
   */
  knownSince: number | null;
}

export interface FinishedGeneration {
  generationId: string;
  chatId: number;
  /** The clock when it finished: snapshots asked for before then are older than its result. */
  at: number;
  /**
   * How the end was learnt: its terminal event, or a snapshot no longer listing it (its terminal
   * event, still on its way, then brings what a snapshot cannot: a draft, an error).
   */
  by: "event" | "snapshot";
}

export interface StreamsState {
  /** Counts what the reducer learns; snapshots are stamped with it when they are asked for. */
  clock: number;
  byId: Readonly<Record<string, StreamState>>;
  /** Newest last, at most `FINISHED_KEPT`. */
  finished: readonly FinishedGeneration[];
}

/** What a stream knows about its generation. */
export type StreamShape = Pick<StreamState, "kind" | "parentId" | "messageId">;

type Terminal = EventTypes["generation.done" | "generation.error" | "generation.draft"];

export type StreamAction =
  /** The renderer named a generation and is about to call the core with its id. */
  | ({ type: "call-started"; generationId: string; chatId: number } & StreamShape)
  /** The call returned: the core holds the generation; `parentId` is what it hangs under. */
  | { type: "call-accepted"; generationId: string; parentId: number | null }
  /** The core refused the call: no event will ever come for this id. */
  | { type: "call-refused"; generationId: string }
  | ({ type: "started" } & EventTypes["generation.started"])
  | ({ type: "delta" } & EventTypes["generation.delta"])
  | ({ type: "ended" } & Pick<Terminal, "generationId" | "chatId" | "seq">)
  /** A `chats.get` (or another ChatView) asked for when the clock read `requestedAt`. */
  | { type: "snapshot"; view: ChatView; requestedAt: number }
  | { type: "resync-requested"; generationId: string };

export const EMPTY_STREAMS: StreamsState = { clock: 0, byId: {}, finished: [] };

export function isFinished(state: StreamsState, generationId: string): boolean {
  return state.finished.some((f) => f.generationId === generationId);
}

/** The terminal event of this generation was applied already (a second one is a duplicate). */
export function hasEnded(state: StreamsState, generationId: string): boolean {
  return state.finished.some((f) => f.generationId === generationId && f.by === "event");
}

/**
 * A snapshot of `chatId` asked for at `requestedAt` predates a generation of that chat that has
 * finished since: its messages lack that result, so it must be asked for again.
 */
export function isSnapshotStale(state: StreamsState, chatId: number, requestedAt: number): boolean {
  return state.finished.some((f) => f.chatId === chatId && f.at > requestedAt);
}

export function reduceStreams(state: StreamsState, action: StreamAction): StreamsState {
  switch (action.type) {
    case "call-started": {
      const { type: _type, generationId, chatId, ...shape } = action;
      if (state.byId[generationId] || isFinished(state, generationId)) return state;
      return put(state, newStream(generationId, chatId, shape, null));
    }
    case "call-accepted": {
      const stream = state.byId[action.generationId];
      if (!stream) return state;
      const clock = state.clock + 1;
      return put(
        { ...state, clock },
        { ...stream, parentId: action.parentId, knownSince: stream.knownSince ?? clock },
      );
    }
    case "call-refused":
      return remove(state, action.generationId);
    case "started":
      return onStarted(state, action);
    case "delta":
      return onDelta(state, action);
    case "ended":
      return finish(state, action.generationId, action.chatId, { by: "event" });
    case "snapshot":
      return onSnapshot(state, action.view, action.requestedAt);
    case "resync-requested": {
      const stream = state.byId[action.generationId];
      if (stream?.resync !== "needed") return state;
      return put(state, { ...stream, resync: "requested" });
    }
  }
}

function newStream(
  generationId: string,
  chatId: number,
  shape: StreamShape,
  knownSince: number | null,
): StreamState {
  return { generationId, chatId, ...shape, text: "", seq: -1, ahead: [], resync: "none", knownSince };
}

function put(state: StreamsState, stream: StreamState): StreamsState {
  return { ...state, byId: { ...state.byId, [stream.generationId]: stream } };
}

function remove(state: StreamsState, generationId: string): StreamsState {
  if (!Object.hasOwn(state.byId, generationId)) return state;
  const byId = { ...state.byId };
  delete byId[generationId];
  return { ...state, byId };
}

/**
 * Forgets a stream and remembers that it ended: at its terminal event (a new tick of the clock),
 * or, from a snapshot that no longer lists it, when that snapshot was asked for.
 */
function finish(
  state: StreamsState,
  generationId: string,
  chatId: number,
  ended: { by: "event" } | { by: "snapshot"; at: number },
): StreamsState {
  const known = state.finished.find((f) => f.generationId === generationId);
  if (known) {
    if (known.by === "event" || ended.by === "snapshot") return remove(state, generationId);
    const finished = state.finished.map((f) => (f === known ? { ...f, by: "event" as const } : f));
    return remove({ ...state, finished }, generationId);
  }
  const clock = ended.by === "event" ? state.clock + 1 : state.clock;
  const at = ended.by === "event" ? clock : ended.at;
  const finished = [...state.finished, { generationId, chatId, at, by: ended.by }].slice(-FINISHED_KEPT);
  return remove({ ...state, clock, finished }, generationId);
}

/** The stream an event is about, created when the event is the first news of it. */
function streamFor(
  state: StreamsState,
  generationId: string,
  chatId: number,
): { state: StreamsState; stream: StreamState } {
  const existing = state.byId[generationId];
  if (existing) {
    if (existing.knownSince !== null) return { state, stream: existing };
    const clock = state.clock + 1;
    return { state: { ...state, clock }, stream: { ...existing, knownSince: clock } };
  }
  const clock = state.clock + 1;
  const stream = newStream(generationId, chatId, { kind: null, parentId: null, messageId: null }, clock);
  return { state: { ...state, clock }, stream };
}

function onStarted(state: StreamsState, event: EventTypes["generation.started"]): StreamsState {
  if (isFinished(state, event.generationId)) return state;
  const found = streamFor(state, event.generationId, event.chatId);
  const { stream } = found;
  return put(
    found.state,
    settle({
      ...stream,
      kind: event.kind,
      parentId: event.parentId,
      messageId: event.messageId,
      seq: Math.max(stream.seq, event.seq),
    }),
  );
}

function onDelta(state: StreamsState, event: EventTypes["generation.delta"]): StreamsState {
  if (isFinished(state, event.generationId)) return state;
  const found = streamFor(state, event.generationId, event.chatId);
  let stream = found.stream;
  const seq = Math.max(stream.seq, event.seq);
  if (event.offset > stream.text.length) {
    stream = { ...stream, seq, ahead: holdAhead(stream.ahead, event) };
  } else {
    stream = { ...stream, seq, text: appendAt(stream.text, event.offset, event.text) };
  }
  return put(found.state, settle(drainAhead(stream)));
}

/** The text after a piece starting at `offset` (≤ the length held): only what is new is added. */
function appendAt(text: string, offset: number, piece: string): string {
  const known = text.length - offset;
  return known >= piece.length ? text : text + piece.slice(known);
}

function holdAhead(ahead: readonly HeldDelta[], event: EventTypes["generation.delta"]): HeldDelta[] {
  if (ahead.some((d) => d.offset === event.offset && d.text.length >= event.text.length)) return [...ahead];
  const held = [...ahead, { seq: event.seq, offset: event.offset, text: event.text }];
  held.sort((a, b) => a.offset - b.offset);
  return held.slice(0, AHEAD_KEPT);
}

/** Applies held deltas the text now reaches. */
function drainAhead(stream: StreamState): StreamState {
  if (stream.ahead.length === 0) return stream;
  let text = stream.text;
  const still: HeldDelta[] = [];
  for (const delta of stream.ahead) {
    if (delta.offset <= text.length) text = appendAt(text, delta.offset, delta.text);
    else still.push(delta);
  }
  return { ...stream, text, ahead: still };
}

/**
 * A stream with a gap, or whose shape is unknown (its `started` was missed), needs a snapshot;
 * one that is whole and known no longer does.
 */
function settle(stream: StreamState): StreamState {
  const missing = stream.ahead.length > 0 || stream.kind === null;
  if (missing) return stream.resync === "none" ? { ...stream, resync: "needed" } : stream;
  return stream.resync === "none" ? stream : { ...stream, resync: "none" };
}

function onSnapshot(state: StreamsState, view: ChatView, requestedAt: number): StreamsState {
  const chatId = view.chat.id;
  const pending = view.pendingGeneration;
  let next = state;
  // Streams of this chat the core held before the snapshot was asked for, and that it no longer
  // lists, had ended by then (their terminal event may still come; it will be ignored).
  for (const stream of Object.values(state.byId)) {
    if (
      stream.chatId === chatId &&
      stream.knownSince !== null &&
      stream.knownSince <= requestedAt &&
      stream.generationId !== pending?.generationId
    ) {
      next = finish(next, stream.generationId, chatId, { by: "snapshot", at: requestedAt });
    }
  }
  if (!pending || isFinished(next, pending.generationId)) return next;
  const current = next.byId[pending.generationId];
  const base =
    current ??
    newStream(
      pending.generationId,
      chatId,
      { kind: pending.kind, parentId: pending.parentId, messageId: pending.messageId },
      requestedAt,
    );
  const longer = pending.text.length > base.text.length;
  const stream: StreamState = {
    ...base,
    kind: pending.kind,
    parentId: pending.parentId,
    messageId: pending.messageId,
    knownSince: base.knownSince ?? requestedAt,
    text: longer ? pending.text : base.text,
    seq: Math.max(base.seq, pending.seq),
  };
  const settled = settle(drainAhead(stream));
  // A snapshot answers a resync even when the gap it reported is still open: the next gap asks again.
  return put(next, settled.resync === "requested" ? { ...settled, resync: "needed" } : settled);
}

/** The streams of one chat. */
export function streamsOfChat(state: StreamsState, chatId: number): StreamState[] {
  return Object.values(state.byId).filter((s) => s.chatId === chatId);
}

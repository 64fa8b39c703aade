import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EMPTY_STREAMS,
  FINISHED_KEPT,
  hasEnded,
  isFinished,
  isSnapshotStale,
  reduceStreams,
  type StreamAction,
  type StreamsState,
} from "../../renderer/src/state/streams";
import type { ChatView, GenerationKind, PendingGeneration } from "../../shared/domain/chat";

const CHAT = 7;
const ID = "3f1c2a4e-0000-4000-8000-000000000001";

function run(actions: StreamAction[], from: StreamsState = EMPTY_STREAMS): StreamsState {
  return actions.reduce(reduceStreams, from);
}

const started = (kind: GenerationKind, parentId: number | null = 5, messageId: number | null = null) =>
  ({ type: "started", generationId: ID, chatId: CHAT, seq: 0, kind, parentId, messageId }) as const;
const delta = (seq: number, offset: number, text: string, generationId = ID) =>
  ({ type: "delta", generationId, chatId: CHAT, seq, offset, text }) as const;
const ended = (seq: number, generationId = ID) =>
  ({ type: "ended", generationId, chatId: CHAT, seq }) as const;

/** The deltas that rebuild `pieces` joined, numbered from seq 1. */
function deltasOf(pieces: string[]) {
  let offset = 0;
  return pieces.map((text, i) => {
    const d = delta(i + 1, offset, text);
    offset += text.length;
    return d;
  });
}

function view(pending: PendingGeneration | null): ChatView {
  return {
    chat: {
      id: CHAT,
      characterId: 1,
      characterName: "A",
      title: "t",
      createdAt: 0,
      updatedAt: 0,
      messageCount: 3,
    },
    options: {},
    members: [],
    group: false,
    activeLeafId: 3,
    messages: [],
    hasEarlier: false,
    pendingGeneration: pending,
  };
}

const pending = (text: string, seq: number, kind: GenerationKind = "reply"): PendingGeneration => ({
  generationId: ID,
  kind,
  parentId: 5,
  messageId: kind === "continue" ? 6 : null,
  text,
  seq,
});

describe("a generation started by this window", () => {
  it.each<[GenerationKind, number | null]>([
    ["reply", null],
    ["swipe", null],
    ["continue", 6],
    ["impersonate", null],
  ])("rebuilds a %s from its events and forgets it at its end", (kind, messageId) => {
    const shape = { kind, parentId: 5, messageId };
    const streaming = run([
      { type: "call-started", generationId: ID, chatId: CHAT, ...shape },
      { type: "call-accepted", generationId: ID, parentId: 5 },
      started(kind, 5, messageId),
      ...deltasOf(["Once", " upon", " a time"]),
    ]);
    expect(streaming.byId[ID]).toMatchObject({ ...shape, text: "Once upon a time", seq: 3, resync: "none" });
    const done = reduceStreams(streaming, ended(4));
    expect(done.byId[ID]).toBeUndefined();
    expect(hasEnded(done, ID)).toBe(true);
    // Late or repeated events of a finished generation change nothing.
    expect(run([delta(5, 16, " late"), started(kind)], done)).toEqual(done);
  });

  it("exists before the call returns, and events may overtake the call's answer", () => {
    const calling = run([
      {
        type: "call-started",
        generationId: ID,
        chatId: CHAT,
        kind: "reply",
        parentId: null,
        messageId: null,
      },
    ]);
    expect(calling.byId[ID]).toMatchObject({ kind: "reply", knownSince: null, text: "" });
    const overtaken = run([started("reply", 9), delta(1, 0, "Hi")], calling);
    expect(overtaken.byId[ID]).toMatchObject({ parentId: 9, text: "Hi" });
    expect(overtaken.byId[ID]?.knownSince).not.toBeNull();
    const accepted = reduceStreams(overtaken, { type: "call-accepted", generationId: ID, parentId: 9 });
    expect(accepted.byId[ID]?.knownSince).toBe(overtaken.byId[ID]?.knownSince);
  });

  it("disappears when the core refuses the call", () => {
    const refused = run([
      { type: "call-started", generationId: ID, chatId: CHAT, kind: "swipe", parentId: 2, messageId: null },
      { type: "call-refused", generationId: ID },
    ]);
    expect(refused.byId).toEqual({});
  });
});

describe("deltas by offset", () => {
  it("skips duplicates and keeps only the new part of an overlapping delta", () => {
    const state = run([
      started("reply"),
      delta(1, 0, "Hello, hello"),
      delta(1, 0, "Hello, hello"),
      // Offsets 7–11 are held already: only ", hello" is new (text 0–18).
      delta(2, 7, "hello, hello"),
      // Offsets 12–18 are held: only "!" is new.
      delta(3, 12, ", hello!"),
    ]);
    expect(state.byId[ID]?.text).toBe("Hello, hello, hello!");
  });

  it("holds a delta beyond the text as a gap, asks for a resync, and fills it when the missing one comes", () => {
    const gap = run([started("reply"), delta(1, 0, "ab"), delta(3, 4, "ef")]);
    expect(gap.byId[ID]).toMatchObject({ text: "ab", resync: "needed" });
    const asked = reduceStreams(gap, { type: "resync-requested", generationId: ID });
    expect(asked.byId[ID]?.resync).toBe("requested");
    const filled = reduceStreams(asked, delta(2, 2, "cd"));
    expect(filled.byId[ID]).toMatchObject({ text: "abcdef", resync: "none", ahead: [] });
  });

  it("rebuilds repetitive text exactly whatever the order and repetition of its deltas", () => {
    const piece = fc.constantFrom("ha", "Ha", " ", "*laughs*", "ha ha", "\n", "…");
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (pieces, picks) => {
          const deltas = deltasOf(pieces);
          // A shuffled order with some events repeated.
          const order = [...deltas];
          for (const [i, pick] of picks.entries()) {
            const a = pick % order.length;
            const b = i % order.length;
            [order[a], order[b]] = [order[b] as (typeof order)[number], order[a] as (typeof order)[number]];
            if (pick % 3 === 0) order.push(deltas[pick % deltas.length] as (typeof deltas)[number]);
          }
          const state = run([started("reply"), ...order]);
          expect(state.byId[ID]).toMatchObject({ text: pieces.join(""), resync: "none", ahead: [] });
        },
      ),
    );
  });

  it("creates a stream for deltas of an unknown generation, and asks what it is", () => {
    const state = run([delta(4, 0, "Mid")]);
    expect(state.byId[ID]).toMatchObject({ chatId: CHAT, kind: null, text: "Mid", resync: "needed" });
    expect(reduceStreams(state, started("swipe", 2)).byId[ID]).toMatchObject({
      kind: "swipe",
      resync: "none",
    });
  });
});

describe("snapshots (pendingGeneration)", () => {
  it("attaches mid-generation: seeds the stream, then applies later deltas by offset", () => {
    const attached = run([
      { type: "snapshot", view: view(pending("Once upon", 4, "continue")), requestedAt: 0 },
    ]);
    expect(attached.byId[ID]).toMatchObject({
      kind: "continue",
      parentId: 5,
      messageId: 6,
      text: "Once upon",
      seq: 4,
      resync: "none",
    });
    // Delta 4 was already in the snapshot; delta 5 overlaps it; delta 6 is new.
    const state = run([delta(4, 5, "upon"), delta(5, 5, "upon a"), delta(6, 11, " time")], attached);
    expect(state.byId[ID]?.text).toBe("Once upon a time");
  });

  it("re-seeds a stream with a gap and applies what it held beyond it", () => {
    const gap = run([
      started("reply"),
      delta(1, 0, "one "),
      delta(4, 14, "four"),
      { type: "resync-requested", generationId: ID },
    ]);
    const state = reduceStreams(gap, {
      type: "snapshot",
      view: view(pending("one two three ", 3)),
      requestedAt: 3,
    });
    expect(state.byId[ID]).toMatchObject({ text: "one two three four", resync: "none", ahead: [] });
  });

  it("keeps the longer text when the snapshot is older than the deltas held", () => {
    const state = run([
      started("reply"),
      ...deltasOf(["a", "b", "c"]),
      { type: "snapshot", view: view(pending("ab", 2)), requestedAt: 1 },
    ]);
    expect(state.byId[ID]).toMatchObject({ text: "abc", seq: 3 });
  });

  it("ends streams the core held before it was asked and no longer lists, never a call still on its way", () => {
    const other = "3f1c2a4e-0000-4000-8000-000000000002";
    const before = run([started("reply"), delta(1, 0, "x")]);
    const requestedAt = before.clock;
    const later = run(
      [
        {
          type: "call-started",
          generationId: other,
          chatId: CHAT,
          kind: "swipe",
          parentId: 2,
          messageId: null,
        },
        { type: "snapshot", view: view(null), requestedAt },
      ],
      before,
    );
    expect(later.byId[ID]).toBeUndefined();
    expect(isFinished(later, ID)).toBe(true);
    // Its terminal event may still come and bring what a snapshot cannot (a draft, an error).
    expect(hasEnded(later, ID)).toBe(false);
    expect(hasEnded(reduceStreams(later, ended(2)), ID)).toBe(true);
    expect(later.byId[other]).toBeDefined();
    // A stream the core made known after the request is not the snapshot's to end.
    const young = run([started("reply"), { type: "snapshot", view: view(null), requestedAt: 0 }]);
    expect(young.byId[ID]).toBeDefined();
  });

  it("ignores a snapshot's pending generation that has finished", () => {
    const done = run([started("reply"), ended(1)]);
    expect(
      reduceStreams(done, { type: "snapshot", view: view(pending("late", 3)), requestedAt: 0 }).byId,
    ).toEqual({});
  });
});

describe("finished generations", () => {
  it("make snapshots asked for before they ended stale", () => {
    const streaming = run([started("reply"), delta(1, 0, "x")]);
    const askedDuring = streaming.clock;
    const done = reduceStreams(streaming, ended(2));
    expect(isSnapshotStale(done, CHAT, askedDuring)).toBe(true);
    expect(isSnapshotStale(done, CHAT, done.clock)).toBe(false);
    expect(isSnapshotStale(done, CHAT + 1, askedDuring)).toBe(false);
  });

  it("are remembered in a bounded list", () => {
    let state = EMPTY_STREAMS;
    for (let i = 0; i < FINISHED_KEPT + 50; i++) {
      state = reduceStreams(state, ended(1, `gen-${i}`));
    }
    expect(state.finished).toHaveLength(FINISHED_KEPT);
    expect(isFinished(state, `gen-${FINISHED_KEPT + 49}`)).toBe(true);
    expect(isFinished(state, "gen-0")).toBe(false);
  });
});

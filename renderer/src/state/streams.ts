/**
 * Bookkeeping that keeps streamed replies consistent with `chats.get` snapshots. The wire has no sequence
 * numbers, so: finished generations are remembered (late events are ignored), each chat has an epoch bumped when
 * one of its generations ends (older snapshots are discarded), and each stream records when it was created.
 */
import type { ChatView, PendingGeneration } from "../../../shared/domain/chat";
import type { StreamState } from "./appStore";

/** What a stream knows about its generation (from `generation.started`, a call's result or a snapshot). */
export type StreamShape = Pick<StreamState, "kind" | "parentId" | "messageId">;

export const UNKNOWN_SHAPE: StreamShape = { kind: null, parentId: null, messageId: null };

export function shapeOf(pending: Pick<PendingGeneration, "kind" | "parentId" | "messageId">): StreamShape {
  return { kind: pending.kind, parentId: pending.parentId, messageId: pending.messageId };
}

/** A new stream; `complete` when its text is known from the first token. */
export function newStream(
  generationId: string,
  chatId: number,
  shape: StreamShape,
  text: string,
  complete: boolean,
): StreamState {
  return { generationId, chatId, text, complete, seq: nextSeq(), ...shape };
}

const finished = new Set<string>();
const epochs = new Map<number, number>();
let seq = 0;

export function nextSeq(): number {
  seq += 1;
  return seq;
}

export function currentSeq(): number {
  return seq;
}

export function markFinished(generationId: string, chatId: number): void {
  finished.add(generationId);
  epochs.set(chatId, (epochs.get(chatId) ?? 0) + 1);
}

export function isFinished(generationId: string): boolean {
  return finished.has(generationId);
}

export function chatEpoch(chatId: number): number {
  return epochs.get(chatId) ?? 0;
}

export function withoutKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  if (!Object.hasOwn(record, key)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/**
 * Joins text known from a snapshot (`head`) with text assembled from deltas (`tail`) that may overlap it:
 * the longest suffix of `head` that is a prefix of `tail` is counted once.
 */
export function mergeOverlap(head: string, tail: string): string {
  for (let k = Math.min(head.length, tail.length); k > 0; k--) {
    if (head.endsWith(tail.slice(0, k))) return head + tail.slice(k);
  }
  return head + tail;
}

/**
 * Applies a `chats.get` snapshot to the streams: streams of this chat that existed before the request (`mark`)
 * and are not its pending generation have ended; the pending generation seeds or completes its stream.
 */
export function reconcileStreams(
  streams: Record<string, StreamState>,
  view: ChatView,
  mark: number,
): Record<string, StreamState> {
  const pending = view.pendingGeneration;
  let next = streams;
  for (const stream of Object.values(streams)) {
    if (
      stream.chatId === view.chat.id &&
      stream.seq <= mark &&
      stream.generationId !== pending?.generationId
    ) {
      next = withoutKey(next, stream.generationId);
    }
  }
  if (pending && !finished.has(pending.generationId)) {
    const current = next[pending.generationId];
    if (!current) {
      next = {
        ...next,
        [pending.generationId]: newStream(
          pending.generationId,
          view.chat.id,
          shapeOf(pending),
          pending.text,
          true,
        ),
      };
    } else if (!current.complete) {
      next = {
        ...next,
        [pending.generationId]: {
          ...current,
          ...shapeOf(pending),
          text: mergeOverlap(pending.text, current.text),
          complete: true,
        },
      };
    }
  }
  return next;
}

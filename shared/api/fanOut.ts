/**
 * One typed fan-out of events to handlers, used wherever events are handed on to many listeners:
 * the Electron preload, the browser's HTTP bridge and the web host's event-stream clients.
 * A handler that throws never stops the others; it is reported through `onHandlerError`.
 */
import type { Unsubscribe } from "./bridge";

export type AnyListener<Events> = <E extends keyof Events & string>(event: E, payload: Events[E]) => void;

export interface FanOut<Events> {
  /** Calls `handler` with the payload of every `event` until unsubscribed. */
  on<E extends keyof Events & string>(event: E, handler: (payload: Events[E]) => void): Unsubscribe;
  /** Calls `listener` with every event until unsubscribed. */
  onAny(listener: AnyListener<Events>): Unsubscribe;
  emit<E extends keyof Events & string>(event: E, payload: Events[E]): void;
  /** Whether anyone would receive `event` (a caller can skip decoding a payload nobody wants). */
  has(event: keyof Events & string): boolean;
  /** How many subscriptions are active (a host stops listening upstream when it reaches 0). */
  readonly size: number;
}

type Receiver = (event: string, payload: unknown) => void;

export function createFanOut<Events>(
  onHandlerError: (event: string, error: unknown) => void = (event, error) =>
    console.error(`handler for ${event} failed:`, error),
): FanOut<Events> {
  const byEvent = new Map<string, Set<Receiver>>();
  const everything = new Set<Receiver>();

  // Each subscription gets its own entry, so subscribing one function twice means two deliveries
  // and each unsubscribe removes exactly its own.
  const subscribe = (set: Set<Receiver>, receiver: Receiver, onEmpty: () => void): Unsubscribe => {
    let active = true;
    const entry: Receiver = (event, payload) => {
      if (active) receiver(event, payload);
    };
    set.add(entry);
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      if (set.size === 0) onEmpty();
    };
  };

  return {
    on(event, handler) {
      let set = byEvent.get(event);
      if (!set) {
        set = new Set();
        byEvent.set(event, set);
      }
      const handlers = set;
      return subscribe(
        handlers,
        (_event, payload) => handler(payload as Events[typeof event]),
        () => {
          if (byEvent.get(event) === handlers) byEvent.delete(event);
        },
      );
    },
    onAny(listener) {
      return subscribe(
        everything,
        (event, payload) => listener(event as keyof Events & string, payload as never),
        () => {},
      );
    },
    emit(event, payload) {
      // A snapshot: handlers added or removed by a handler take effect from the next event.
      const receivers = [...(byEvent.get(event) ?? []), ...everything];
      for (const receiver of receivers) {
        try {
          receiver(event, payload);
        } catch (error) {
          onHandlerError(event, error);
        }
      }
    },
    has(event) {
      return everything.size > 0 || (byEvent.get(event)?.size ?? 0) > 0;
    },
    get size() {
      let count = everything.size;
      for (const set of byEvent.values()) count += set.size;
      return count;
    },
  };
}

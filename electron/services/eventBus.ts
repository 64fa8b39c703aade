import type { EventName, EventTypes } from "../../shared/api/contract";
import type { CoreEventListener } from "./coreTypes";

/** Typed fan-out of core events to every host that listens. A failing listener never stops the others. */
export class EventBus {
  private readonly listeners = new Set<CoreEventListener>();

  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventTypes[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        console.error(`event listener failed on ${event}:`, error);
      }
    }
  }
}

import type { EventName, EventTypes } from "../../shared/api/contract";
import { createFanOut } from "../../shared/api/fanOut";
import type { CoreEventListener } from "./coreTypes";

/** Typed fan-out of core events to every host that listens. A failing listener never stops the others. */
export class EventBus {
  private readonly fanOut = createFanOut<EventTypes>((event, error) =>
    console.error(`event listener failed on ${event}:`, error),
  );

  subscribe(listener: CoreEventListener): () => void {
    return this.fanOut.onAny(listener);
  }

  emit<E extends EventName>(event: E, payload: EventTypes[E]): void {
    this.fanOut.emit(event, payload);
  }
}

import type { EventName, EventTypes, Method, RequestOf, ResponseOf } from "./contract";

export type Unsubscribe = () => void;

/**
 * The one interface the renderer talks to. Under Electron the preload exposes it as `window.api`;
 * in browser mode an HTTP + SSE client implements it. Failed calls reject with a `MasqueError`.
 */
export interface MasqueApi {
  call<M extends Method>(method: M, input: RequestOf<M>): Promise<ResponseOf<M>>;
  on<E extends EventName>(event: E, handler: (payload: EventTypes[E]) => void): Unsubscribe;
}

/**
 * Browser-mode bridge: the same `MasqueApi` as the Electron preload, over the web host's HTTP API.
 * Calls: `POST /api/call/<method>` with a bearer token, answered by a `{ok, value | error}` envelope.
 * Events: `GET /api/events` as `text/event-stream`, read with fetch (EventSource cannot send headers).
 */
import type { MasqueApi, Unsubscribe } from "../../../shared/api/bridge";
import type { EventName, EventTypes, Method, RequestOf, ResponseOf } from "../../../shared/api/contract";
import { type ApiError, fromApiError, MasqueError } from "../../../shared/errors";
import { createSseParser, type SseFrame } from "./sse";

export const TOKEN_STORAGE_KEY = "masque.token";

const NO_TOKEN_MESSAGE =
  "This page has no access token. Open the exact URL printed by `npm run web` (it ends with #token=…).";

/** Exhaustive by construction: adding an event to the contract fails compilation here until it is listed. */
const KNOWN_EVENTS: Record<EventName, true> = {
  "generation.started": true,
  "generation.delta": true,
  "generation.done": true,
  "generation.error": true,
  "generation.draft": true,
  "model.status": true,
  "import.progress": true,
  "import.done": true,
  "import.error": true,
  "models.download.progress": true,
  "models.download.done": true,
  "models.download.error": true,
  "models.changed": true,
};

function isKnownEvent(name: string): name is EventName {
  return Object.hasOwn(KNOWN_EVENTS, name);
}

/** Takes the token from `#token=…` (then removes it from the address bar) or from sessionStorage. */
export function readToken(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromHash = params.get("token");
  if (fromHash) {
    try {
      sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // Storage disabled: the token still works until the page is reloaded.
    }
    history.replaceState(history.state, "", location.pathname + location.search);
    return fromHash;
  }
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface HttpBridge extends MasqueApi {
  /** Called every time the event stream (re)connects, so the UI can refetch what it may have missed. */
  onConnected(handler: () => void): Unsubscribe;
  /** Streams a file to `POST /api/upload`; the returned id is then passed to `import.start`. */
  upload(file: Blob, signal?: AbortSignal): Promise<{ uploadId: string }>;
}

export function createHttpBridge(token: string | null = readToken()): HttpBridge {
  const handlers = new Map<EventName, Set<(payload: never) => void>>();
  const connectedHandlers = new Set<() => void>();
  let streaming = false;

  const authHeaders = (): Record<string, string> => ({ Authorization: `Bearer ${token ?? ""}` });

  /** POSTs to an API route and unwraps the `{ok, value | error}` envelope; `label` names the call in errors. */
  async function post(path: string, label: string, init: RequestInit): Promise<unknown> {
    if (!token) throw new MasqueError("UNAUTHORIZED", NO_TOKEN_MESSAGE);
    let response: Response;
    try {
      response = await fetch(path, { ...init, method: "POST" });
    } catch (error) {
      if (init.signal?.aborted) throw new MasqueError("ABORTED", `${label} was cancelled.`);
      throw new MasqueError(
        "INTERNAL",
        `Cannot reach the Masque server (${describe(error)}). Is \`npm run web\` still running?`,
      );
    }
    let envelope: unknown;
    try {
      envelope = await response.json();
    } catch {
      throw new MasqueError(
        "INTERNAL",
        `${label}: the server sent an unreadable reply (HTTP ${response.status}).`,
      );
    }
    if (typeof envelope === "object" && envelope !== null && "ok" in envelope) {
      if (envelope.ok === true && "value" in envelope) return envelope.value;
      if (envelope.ok === false && "error" in envelope && isApiError(envelope.error)) {
        throw fromApiError(envelope.error);
      }
    }
    throw new MasqueError(
      "INTERNAL",
      `${label}: the server sent an unexpected reply (HTTP ${response.status}).`,
    );
  }

  async function call<M extends Method>(method: M, input: RequestOf<M>): Promise<ResponseOf<M>> {
    const value = await post(`/api/call/${method}`, method, {
      headers: { ...authHeaders(), "Content-Type": "application/json" },
      body: JSON.stringify(input ?? {}),
    });
    return value as ResponseOf<M>;
  }

  async function upload(file: Blob, signal?: AbortSignal): Promise<{ uploadId: string }> {
    const value = await post("/api/upload", "upload", {
      headers: { ...authHeaders(), "Content-Type": "application/octet-stream" },
      // A File body is streamed from disk by the browser, never read into memory here.
      body: file,
      ...(signal ? { signal } : {}),
    });
    const uploadId = (value as { uploadId?: unknown } | null)?.uploadId;
    if (typeof uploadId !== "string")
      throw new MasqueError("INTERNAL", "upload: the reply has no upload id.");
    return { uploadId };
  }

  function dispatch(frame: SseFrame): void {
    if (!isKnownEvent(frame.event)) return;
    const subscribers = handlers.get(frame.event);
    if (!subscribers || subscribers.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(frame.data);
    } catch {
      console.warn(`masque: ignoring event ${frame.event} with malformed data`);
      return;
    }
    for (const handler of [...subscribers]) {
      try {
        (handler as (p: unknown) => void)(payload);
      } catch (error) {
        console.error(`masque: ${frame.event} handler failed`, error);
      }
    }
  }

  async function readStream(): Promise<void> {
    const parser = createSseParser(dispatch);
    let delay = 500;
    for (;;) {
      try {
        const response = await fetch("/api/events", {
          headers: { ...authHeaders(), Accept: "text/event-stream" },
          cache: "no-store",
        });
        if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
        delay = 500;
        parser.reset();
        for (const handler of [...connectedHandlers]) handler();
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
        }
      } catch (error) {
        console.warn(`masque: event stream failed (${describe(error)}), retrying in ${delay} ms`);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 15_000);
    }
  }

  function ensureStream(): void {
    if (streaming || !token) return;
    streaming = true;
    void readStream();
  }

  return {
    call,
    upload,
    on<E extends EventName>(event: E, handler: (payload: EventTypes[E]) => void): Unsubscribe {
      let set = handlers.get(event);
      if (!set) {
        set = new Set();
        handlers.set(event, set);
      }
      const entry = handler as (payload: never) => void;
      set.add(entry);
      ensureStream();
      return () => {
        set.delete(entry);
      };
    },
    onConnected(handler) {
      connectedHandlers.add(handler);
      ensureStream();
      return () => {
        connectedHandlers.delete(handler);
      };
    },
  };
}

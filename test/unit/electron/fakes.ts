/** Small fakes of the Electron objects and of the core, shared by the Electron host tests. */
import { vi } from "vitest";
import type { CoreEventListener } from "../../../electron/services/coreTypes";
import type { EventName, EventTypes } from "../../../shared/api/contract";
import type { Result } from "../../../shared/errors";

export type InvokeHandler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();
  readonly handle = vi.fn((channel: string, handler: InvokeHandler) => {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  });
  readonly removeHandler = vi.fn((channel: string) => {
    this.handlers.delete(channel);
  });
  readonly removeAllListeners = vi.fn();
}

export class FakeCore {
  readonly dataDir = "/tmp/masque-test";
  readonly listeners = new Set<CoreEventListener>();
  readonly dispatch = vi.fn(
    async (method: string, input: unknown): Promise<Result<unknown>> => ({
      ok: true,
      value: { method, input },
    }),
  );
  readonly dispose = vi.fn(async () => {});
  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit<E extends EventName>(name: E, payload: EventTypes[E]): void {
    for (const listener of this.listeners) listener(name, payload);
  }
}

export class FakeWebContents {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  destroyed = false;
  readonly send = vi.fn();
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** An invoke event as Electron builds it: the sending webContents and the sending frame. */
export function invokeEvent(sender: { id: number }, url: string, parent: unknown = null) {
  return { sender, senderFrame: { url, parent } };
}

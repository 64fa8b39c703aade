/**
 * One lock per chat for everything that generates on or edits its message tree. It is taken
 * synchronously, before any await, so of several calls racing for a chat exactly one wins and the
 * others get BUSY at once, whatever the model is doing. A generation holds it until its result is
 * stored; an edit only for its synchronous duration. The in-process map answers quickly; the
 * lease makes the lock hold across processes sharing the database.
 */
import { MasqueError } from "../../../shared/errors";
import type { ChatLeases } from "./chatLeases";

export interface ChatLock {
  readonly chatId: number;
  /** Idempotent. */
  release(): void;
}

export class ChatLocks {
  /** Chats with a generation in this process (from the call that starts it to its stored result). */
  private readonly generating = new Set<number>();

  constructor(private readonly leases: ChatLeases) {}

  /** Takes the chat for a generation, or throws BUSY. */
  acquire(chatId: number): ChatLock {
    this.assertNotGenerating(chatId);
    this.leases.acquire(chatId);
    this.generating.add(chatId);
    let released = false;
    return {
      chatId,
      release: () => {
        if (released) return;
        released = true;
        this.generating.delete(chatId);
        this.leases.release(chatId);
      },
    };
  }

  /** Runs a synchronous edit of the chat's tree while no generation (here or elsewhere) holds it. */
  edit<T>(chatId: number, work: () => T): T {
    this.assertNotGenerating(chatId);
    return this.leases.whileFree(chatId, work);
  }

  /** How many chats hold a generation lock in this process (calls still waiting for the model included). */
  count(): number {
    return this.generating.size;
  }

  private assertNotGenerating(chatId: number): void {
    if (this.generating.has(chatId)) {
      throw new MasqueError("BUSY", `chat ${chatId} is generating; stop it or wait`, { chatId });
    }
  }
}

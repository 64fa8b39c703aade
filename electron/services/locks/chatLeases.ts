/**
 * The cross-process half of a chat lock: a row in `chat_leases` naming the owner (one per core),
 * its pid and host, and an expiry that a heartbeat pushes forward while the lease is held. The CLI
 * and the app share one database, so this is what stops two processes generating on one chat.
 * A lease whose expiry passed, or whose pid is dead on this host, is stale and is taken over.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { MasqueError } from "../../../shared/errors";
import type { Database } from "../../storage/database";
import { isProcessAlive } from "./processAlive";

export interface LeaseOwner {
  id: string;
  pid: number;
  host: string;
}

export interface ChatLeasesOptions {
  owner?: LeaseOwner;
  /** How long a lease lives without a heartbeat. */
  ttlMs?: number;
  heartbeatMs?: number;
  isAlive?: (pid: number) => boolean;
  now?: () => number;
  /**
   * Runs inside the transaction that finds a chat free (a stale lease taken over, or none at all):
   * whatever a dead process left there (its partial replies) is cleaned up before anyone uses the chat.
   */
  onFree?: (chatId: number) => void;
}

interface LeaseRow {
  chat_id: number;
  owner_id: string;
  pid: number;
  host: string;
  expires_at: number;
}

const DEFAULT_TTL_MS = 30_000;
const DEFAULT_HEARTBEAT_MS = 5_000;

export class ChatLeases {
  readonly owner: LeaseOwner;
  private readonly held = new Set<number>();
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly now: () => number;
  private readonly onFree: (chatId: number) => void;
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly database: Database,
    options: ChatLeasesOptions = {},
  ) {
    this.owner = options.owner ?? { id: randomUUID(), pid: process.pid, host: hostname() };
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.isAlive = options.isAlive ?? isProcessAlive;
    this.now = options.now ?? Date.now;
    this.onFree = options.onFree ?? (() => {});
  }

  /** Takes the chat's lease in one IMMEDIATE transaction, or throws BUSY when a live owner holds it. */
  acquire(chatId: number): void {
    this.database.transaction(() => {
      this.claimFree(chatId);
      this.database.db
        .prepare("INSERT INTO chat_leases (chat_id, owner_id, pid, host, expires_at) VALUES (?, ?, ?, ?, ?)")
        .run(chatId, this.owner.id, this.owner.pid, this.owner.host, this.now() + this.ttlMs);
    });
    this.held.add(chatId);
    this.startHeartbeat();
  }

  /** Runs `work` in one transaction in which no other live owner holds the chat (BUSY otherwise). */
  whileFree<T>(chatId: number, work: () => T): T {
    return this.database.transaction(() => {
      this.claimFree(chatId);
      return work();
    });
  }

  release(chatId: number): void {
    if (!this.held.delete(chatId)) return;
    this.database.db
      .prepare("DELETE FROM chat_leases WHERE chat_id = ? AND owner_id = ?")
      .run(chatId, this.owner.id);
    if (this.held.size === 0) this.stopHeartbeat();
  }

  /**
   * For every chat in `chatIds` not held by a live owner: drops its stale lease and runs `onFree`
   * (at start-up, for the chats where a dead process left partial replies).
   */
  recoverStale(
    chatIds: readonly number[],
    onError: (chatId: number, error: unknown) => void = () => {},
  ): void {
    for (const chatId of chatIds) {
      try {
        this.database.transaction(() => {
          const lease = this.lease(chatId);
          if (lease && this.isLive(lease)) return;
          this.claimFree(chatId);
        });
      } catch (error) {
        // A read-only or full disk: the chat is recovered when it is next used, if it can be then.
        onError(chatId, error);
      }
    }
  }

  /** Pushes the expiry of every lease this owner holds. */
  renew(): void {
    if (this.held.size === 0) return;
    this.database.db
      .prepare("UPDATE chat_leases SET expires_at = ? WHERE owner_id = ?")
      .run(this.now() + this.ttlMs, this.owner.id);
  }

  /** Releases everything this owner holds (when the core closes). */
  dispose(): void {
    this.stopHeartbeat();
    if (this.held.size === 0) return;
    this.held.clear();
    this.database.db.prepare("DELETE FROM chat_leases WHERE owner_id = ?").run(this.owner.id);
  }

  /** Inside a transaction: BUSY if a live owner holds the chat; otherwise its stale lease is dropped. */
  private claimFree(chatId: number): void {
    const lease = this.lease(chatId);
    if (lease && this.isLive(lease)) {
      const who =
        lease.owner_id === this.owner.id ? "this process" : `another Masque process (pid ${lease.pid})`;
      throw new MasqueError("BUSY", `chat ${chatId} is busy in ${who}; wait for it to finish`, {
        chatId,
        pid: lease.pid,
      });
    }
    if (lease) this.database.db.prepare("DELETE FROM chat_leases WHERE chat_id = ?").run(chatId);
    this.onFree(chatId);
  }

  private lease(chatId: number): LeaseRow | undefined {
    return this.database.db.prepare("SELECT * FROM chat_leases WHERE chat_id = ?").get(chatId) as
      | LeaseRow
      | undefined;
  }

  private isLive(lease: LeaseRow): boolean {
    if (lease.expires_at <= this.now()) return false;
    // Left behind by this owner (a release whose write failed): it holds nothing there.
    if (lease.owner_id === this.owner.id && !this.held.has(lease.chat_id)) return false;
    if (lease.host === this.owner.host && !this.isAlive(lease.pid)) return false;
    return true;
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      try {
        this.renew();
      } catch {
        // A failed renewal (a full or read-only disk) is retried at the next beat; the lease only
        // lapses after its whole lifetime.
      }
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

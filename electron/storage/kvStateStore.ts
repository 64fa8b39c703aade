/**
 * KV-cache states on disk, one per chat: `<dir>/<chatId>.state` (llama.cpp's sequence state) and
 * `<dir>/<chatId>.json` (what made it, its length, its SHA-256 and the tokens it holds).
 *
 * Writes are atomic: the state and its metadata go to temp files first and are renamed state
 * first, metadata last, so a crash leaves the old pair, or a new state whose checksum does not
 * match the old metadata (discarded on the next read: a full evaluation, never a bad load).
 * A state is handed out only when its fingerprint matches exactly and the file's length and
 * checksum match the metadata: llama.cpp trusts whatever it is given and may crash on a state
 * made by another model.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hashFile } from "../services/engine/fileDigest";

/** Everything a state depends on besides the tokens it holds. */
export interface StateFingerprint {
  /** SHA-256 of the whole model file. */
  modelSha256: string;
  modelFile: string;
  /** Adapters in the order they were attached, each with the SHA-256 of its file. */
  lora: { fileName: string; sha256: string; scale: number }[];
  contextSize: number;
  template: string;
  /** Anything else that changes the cache's layout (backend, flash attention, engine version). */
  layout: string;
}

export interface StateMetadata {
  version: 1;
  chatId: string;
  bytes: number;
  sha256: string;
  tokens: number[];
  fingerprint: StateFingerprint;
  savedAt: number;
  usedAt: number;
}

export type StateLookup =
  | { state: "usable"; path: string; metadata: StateMetadata }
  | { state: "none" }
  | { state: "mismatch"; reason: string }
  | { state: "corrupt"; reason: string };

const METADATA_VERSION = 1;

export interface KvStateStoreOptions {
  /** The disk budget in bytes; least recently used states go first. */
  budgetBytes: () => number;
  warn?: (line: string) => void;
  /** Test hook: a pause between writing a state and making it current (to kill a process there). */
  pauseBeforeCommitMs?: number;
}

export class KvStateStore {
  constructor(
    readonly dir: string,
    private readonly options: KvStateStoreOptions,
  ) {}

  statePath(chatId: string): string {
    return join(this.dir, `${safeName(chatId)}.state`);
  }

  private metadataPath(chatId: string): string {
    return join(this.dir, `${safeName(chatId)}.json`);
  }

  async metadata(chatId: string): Promise<StateMetadata | null> {
    let text: string;
    try {
      text = await readFile(this.metadataPath(chatId), "utf8");
    } catch {
      return null;
    }
    try {
      return parseMetadata(JSON.parse(text));
    } catch {
      return null;
    }
  }

  /**
   * The chat's state if it can be loaded with this fingerprint. A state whose file does not match
   * its metadata (truncated, overwritten, half-written) is deleted with a warning.
   */
  async find(chatId: string, fingerprint: StateFingerprint): Promise<StateLookup> {
    const metadata = await this.metadata(chatId);
    if (!metadata) {
      const exists = await stat(this.metadataPath(chatId)).then(
        () => true,
        () => false,
      );
      if (!exists) return { state: "none" };
      return this.discard(chatId, "its metadata is unreadable");
    }
    const difference = fingerprintDifference(metadata.fingerprint, fingerprint);
    if (difference) return { state: "mismatch", reason: difference };
    const path = this.statePath(chatId);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return this.discard(chatId, "the state file is missing");
    }
    if (size !== metadata.bytes) {
      return this.discard(chatId, `the state file has ${size} bytes, its metadata says ${metadata.bytes}`);
    }
    if ((await hashFile(path)) !== metadata.sha256) {
      return this.discard(chatId, "the state file's checksum does not match its metadata");
    }
    return { state: "usable", path, metadata };
  }

  /** Marks the state as just used (for the least-recently-used budget). */
  async touch(metadata: StateMetadata): Promise<void> {
    await this.writeMetadata({ ...metadata, usedAt: Date.now() }).catch(() => undefined);
  }

  /**
   * Saves a chat's state: `write` puts llama.cpp's state into the temp path it is given; then the
   * state and its metadata become current, and the budget is enforced.
   */
  async save(
    chatId: string,
    fingerprint: StateFingerprint,
    tokens: readonly number[],
    write: (tempPath: string) => Promise<void>,
  ): Promise<StateMetadata | null> {
    if (this.options.budgetBytes() <= 0) {
      await this.drop(chatId);
      return null;
    }
    await mkdir(this.dir, { recursive: true });
    await this.removeLeftovers(chatId);
    const temp = join(this.dir, `${safeName(chatId)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await write(temp);
      const [bytes, sha256] = await Promise.all([stat(temp).then((s) => s.size), hashFile(temp)]);
      const now = Date.now();
      const metadata: StateMetadata = {
        version: METADATA_VERSION,
        chatId,
        bytes,
        sha256,
        tokens: [...tokens],
        fingerprint,
        savedAt: now,
        usedAt: now,
      };
      if (this.options.pauseBeforeCommitMs) await sleep(this.options.pauseBeforeCommitMs);
      await rename(temp, this.statePath(chatId));
      await this.writeMetadata(metadata);
      await this.enforceBudget(chatId);
      return metadata;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Forgets a chat's state (metadata first: a state without metadata is never used). */
  async drop(chatId: string): Promise<boolean> {
    const existed = (await this.metadata(chatId)) !== null;
    await rm(this.metadataPath(chatId), { force: true });
    await rm(this.statePath(chatId), { force: true });
    return existed;
  }

  /** Every saved state's metadata. */
  async list(): Promise<StateMetadata[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const found: StateMetadata[] = [];
    for (const name of names) {
      if (!name.endsWith(".json")) continue;
      const metadata = await this.metadata(name.slice(0, -".json".length));
      if (metadata) found.push(metadata);
    }
    return found;
  }

  /** Evicts least recently used states until the total fits the budget (`keep` goes last). */
  async enforceBudget(keep?: string): Promise<string[]> {
    const budget = this.options.budgetBytes();
    const states = (await this.list()).sort(
      (a, b) => Number(a.chatId === keep) - Number(b.chatId === keep) || a.usedAt - b.usedAt,
    );
    let total = states.reduce((sum, s) => sum + s.bytes, 0);
    const evicted: string[] = [];
    for (const state of states) {
      if (total <= budget) break;
      await this.drop(state.chatId);
      total -= state.bytes;
      evicted.push(state.chatId);
    }
    return evicted;
  }

  /**
   * Temp files a killed process left for this chat: only the chat's own, and only those of a
   * process that is gone (a save runs after the chat's lock is released, so another live process
   * may still be finishing one).
   */
  private async removeLeftovers(chatId: string): Promise<void> {
    const prefix = `${safeName(chatId)}.`;
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
      const pid = Number(/\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
      await rm(join(this.dir, name), { force: true });
    }
  }

  private async discard(chatId: string, reason: string): Promise<StateLookup> {
    this.options.warn?.(`The saved KV state of chat ${chatId} was discarded: ${reason}.`);
    await this.drop(chatId).catch(() => undefined);
    return { state: "corrupt", reason };
  }

  private async writeMetadata(metadata: StateMetadata): Promise<void> {
    const target = this.metadataPath(metadata.chatId);
    const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(metadata));
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
  }
}

/** The first field in which two fingerprints differ, said plainly; null when they match. */
export function fingerprintDifference(saved: StateFingerprint, current: StateFingerprint): string | null {
  if (saved.modelSha256 !== current.modelSha256)
    return `made by another model file (${saved.modelFile}, sha256 ${saved.modelSha256.slice(0, 12)}…)`;
  if (saved.contextSize !== current.contextSize)
    return `made with a ${saved.contextSize}-token context (now ${current.contextSize})`;
  if (saved.template !== current.template) return `made with the template "${saved.template}"`;
  if (loraKey(saved.lora) !== loraKey(current.lora))
    return "made with another set of LoRA adapters or scales";
  if (saved.layout !== current.layout) return `made with another cache layout (${saved.layout})`;
  return null;
}

function loraKey(lora: StateFingerprint["lora"]): string {
  return lora.map((a) => `${a.sha256}@${a.scale}`).join(",");
}

function parseMetadata(value: unknown): StateMetadata | null {
  const m = value as Partial<StateMetadata> | null;
  const f = m?.fingerprint as Partial<StateFingerprint> | undefined;
  const valid =
    m !== null &&
    typeof m === "object" &&
    m.version === METADATA_VERSION &&
    typeof m.chatId === "string" &&
    Number.isSafeInteger(m.bytes) &&
    typeof m.sha256 === "string" &&
    Array.isArray(m.tokens) &&
    m.tokens.every((t) => Number.isInteger(t)) &&
    typeof m.savedAt === "number" &&
    typeof m.usedAt === "number" &&
    f !== undefined &&
    typeof f.modelSha256 === "string" &&
    typeof f.modelFile === "string" &&
    Array.isArray(f.lora) &&
    typeof f.contextSize === "number" &&
    typeof f.template === "string" &&
    typeof f.layout === "string";
  return valid ? (m as StateMetadata) : null;
}

/** Chat ids are numbers today; anything else is kept to a safe file name. */
function safeName(chatId: string): string {
  return chatId.replace(/[^A-Za-z0-9_-]/g, "_");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

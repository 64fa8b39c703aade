/** `chats.state`: what is saved of a chat's KV cache, and forgetting it. */
import type { ChatStateInfo } from "../../../shared/api/contract";
import type { ChatRepository } from "../../storage/chatRepository";
import type { KvStateStore } from "../../storage/kvStateStore";
import type { Engine } from "../engine/engine";

export class ChatStateService {
  constructor(
    private readonly store: KvStateStore,
    private readonly chats: ChatRepository,
    private readonly engine: Engine,
  ) {}

  async state(chatId: number, drop = false): Promise<ChatStateInfo> {
    this.chats.getChat(chatId);
    if (drop) {
      const dropped = await this.store.drop(String(chatId));
      return { ...empty(chatId), dropped };
    }
    const metadata = await this.store.metadata(String(chatId));
    if (!metadata) return empty(chatId);
    const f = metadata.fingerprint;
    return {
      chatId,
      saved: true,
      bytes: metadata.bytes,
      tokens: metadata.tokens.length,
      model: { fileName: f.modelFile, sha256: f.modelSha256 },
      lora: f.lora,
      contextSize: f.contextSize,
      template: f.template,
      savedAt: metadata.savedAt,
    };
  }

  /** Forgets the states of chats that are being deleted (and their live caches). */
  async forget(chatIds: readonly number[]): Promise<void> {
    for (const chatId of chatIds) {
      await this.engine.releaseSession(String(chatId)).catch(() => undefined);
      await this.store.drop(String(chatId));
    }
  }
}

function empty(chatId: number): ChatStateInfo {
  return {
    chatId,
    saved: false,
    bytes: 0,
    tokens: 0,
    model: null,
    lora: [],
    contextSize: null,
    template: null,
    savedAt: null,
  };
}

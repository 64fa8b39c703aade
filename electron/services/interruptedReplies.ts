/**
 * Turns the partial replies a dead process left behind into stopped character messages with
 * stopReason "interrupted": a reply or swipe becomes a new message under its parent (and the active
 * leaf), a "continue" extends its message. Runs inside the transaction that finds the chat free, so
 * no one uses the chat before its interrupted reply is back.
 */
import type { ChatRepository } from "../storage/chatRepository";
import type { PartialReply, PartialReplyRepository } from "../storage/partialReplyRepository";

export class InterruptedReplies {
  constructor(
    private readonly partials: PartialReplyRepository,
    private readonly chats: ChatRepository,
  ) {}

  /** Recovers every partial reply saved for the chat; returns how many became messages. */
  recover(chatId: number): number {
    let recovered = 0;
    for (const partial of this.partials.listForChat(chatId)) {
      if (this.restore(partial)) recovered++;
      this.partials.delete(partial.generationId);
    }
    return recovered;
  }

  private restore(partial: PartialReply): boolean {
    const text = partial.text.trimEnd();
    if (!text.trim()) return false;
    if (partial.kind === "continue") {
      if (partial.targetId === null) return false;
      const target = this.chats.getMessage(partial.targetId);
      this.chats.updateReply(target.id, {
        text: (target.text + text).trimEnd(),
        status: "stopped",
        stopReason: "interrupted",
        stats: null,
        provenance: target.provenance,
      });
      return true;
    }
    this.chats.addMessage({
      chatId: partial.chatId,
      parentId: partial.parentId,
      role: "character",
      text,
      status: "stopped",
      stopReason: "interrupted",
      provenance: partial.provenance,
      characterId: partial.characterId ?? null,
    });
    return true;
  }
}

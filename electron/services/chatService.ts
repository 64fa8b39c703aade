/**
 * Chats and their message trees: create (greeting plus alternate greetings as swipes), read,
 * swipe navigation, edit, delete, branch, per-chat prompt options.
 */
import type { MessagePage } from "../../shared/api/contract";
import type { ChatOptions, ChatView, Message } from "../../shared/domain/chat";
import { MasqueError } from "../../shared/errors";
import type { CharacterRepository } from "../storage/characterRepository";
import type { ChatRepository } from "../storage/chatRepository";
import type { GenerationService } from "./generationService";
import type { GroupService, MemberChange } from "./groupService";
import type { ChatLocks } from "./locks/chatLocks";
import { listTemplates } from "./templates";

/** Messages in a page of `chats.messages` when the caller names no limit. */
const DEFAULT_PAGE = 100;

export class ChatService {
  constructor(
    private readonly chats: ChatRepository,
    private readonly characters: CharacterRepository,
    private readonly generations: GenerationService,
    private readonly locks: ChatLocks,
    private readonly groups: GroupService,
    private readonly transaction: <T>(work: () => T) => T,
  ) {}

  /** A chat with one character, or with `others` too a group chat (greeted by the first character). */
  create(characterId: number, others: readonly number[] = []): ChatView {
    const character = this.characters.get(characterId);
    const names = [character.data.name, ...others.map((id) => this.characters.get(id).data.name)];
    const title = `${names.join(", ")} — ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
    const greetings = [character.data.first_mes, ...(character.data.alternate_greetings ?? [])];
    const chatId = this.transaction(() => {
      const id = this.chats.createChat(characterId, title, greetings);
      if (others.length > 0) this.groups.makeGroup(id, characterId, others);
      return id;
    });
    return this.view(chatId);
  }

  addMember(chatId: number, characterId: number): ChatView {
    this.chats.getChat(chatId);
    this.locks.edit(chatId, () => this.groups.add(chatId, characterId));
    return this.view(chatId);
  }

  setMember(chatId: number, characterId: number, change: MemberChange): ChatView {
    this.chats.getChat(chatId);
    this.locks.edit(chatId, () => this.groups.change(chatId, characterId, change));
    return this.view(chatId);
  }

  list(characterId?: number) {
    if (characterId !== undefined) this.characters.get(characterId);
    return this.chats.listChats(characterId);
  }

  view(chatId: number): ChatView {
    const chat = this.chats.getChat(chatId);
    return {
      chat,
      options: this.chats.options(chatId) as ChatOptions,
      activeLeafId: chat.activeLeafId,
      messages: this.chats.activePath(chatId),
      hasEarlier: false,
      pendingGeneration: this.generations.pending(chatId),
      members: this.groups.list(chatId),
      group: this.groups.isGroup(chatId),
    };
  }

  swipes(messageId: number): Message[] {
    return this.chats.siblings(messageId);
  }

  /** Makes `messageId` and its newest branch the active path. */
  selectSwipe(messageId: number): ChatView {
    const message = this.chats.getMessage(messageId);
    this.locks.edit(message.chatId, () =>
      this.chats.setActiveLeaf(message.chatId, this.chats.latestLeafUnder(messageId)),
    );
    return this.view(message.chatId);
  }

  editMessage(messageId: number, text: string): Message {
    if (!text.trim())
      throw new MasqueError("INVALID_INPUT", "text: a message cannot be empty; delete it instead");
    const message = this.chats.getMessage(messageId);
    return this.locks.edit(message.chatId, () => this.chats.updateText(messageId, text));
  }

  /**
   * Deletes one message (its replies move up to its parent) or, when confirmed with
   * `withDescendants`, its whole branch. A message with replies is never deleted with them silently.
   */
  deleteMessage(messageId: number, withDescendants = false): ChatView {
    const message = this.chats.getMessage(messageId);
    this.locks.edit(message.chatId, () => {
      if (!withDescendants && message.parentId === null && this.chats.countDescendants(messageId) > 0) {
        // Its replies would become greetings themselves.
        throw new MasqueError(
          "INVALID_INPUT",
          "a greeting with replies can only be deleted together with them (withDescendants); or swipe to another greeting",
        );
      }
      this.chats.deleteMessage(messageId, withDescendants);
    });
    return this.view(message.chatId);
  }

  descendants(messageId: number): number {
    return this.chats.countDescendants(messageId);
  }

  /** A new chat holding the path from the root to `messageId`. */
  branch(messageId: number): ChatView {
    const message = this.chats.getMessage(messageId);
    const chat = this.chats.getChat(message.chatId);
    const chatId = this.chats.copyPath(message.chatId, messageId, chat.characterId, `${chat.title} (branch)`);
    return this.view(chatId);
  }

  setOptions(
    chatId: number,
    changes: {
      templateId?: string | null;
      examplesMode?: ChatOptions["examplesMode"] | null;
      speakerOrder?: ChatOptions["speakerOrder"] | null;
      lora?: ChatOptions["lora"] | null;
    },
  ) {
    const known = listTemplates().map((t) => t.id);
    if (typeof changes.templateId === "string" && !known.includes(changes.templateId)) {
      throw new MasqueError(
        "INVALID_INPUT",
        `templateId: unknown template "${changes.templateId}"; one of ${known.join(", ")}`,
      );
    }
    this.chats.getChat(chatId);
    this.locks.edit(chatId, () => {
      const options = { ...(this.chats.options(chatId) as ChatOptions) } as Record<string, unknown>;
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) delete options[key];
        else if (value !== undefined) options[key] = value;
      }
      this.chats.setOptions(chatId, options);
    });
    return this.view(chatId);
  }

  /** The chat with only the last `limit` messages of its active path (`hasEarlier`: more come before). */
  viewLatest(chatId: number, limit: number): ChatView {
    const chat = this.chats.getChat(chatId);
    return {
      chat,
      options: this.chats.options(chatId),
      activeLeafId: chat.activeLeafId,
      ...this.chats.latestMessages(chatId, limit),
      pendingGeneration: this.generations.pending(chatId),
      members: this.groups.list(chatId),
      group: this.groups.isGroup(chatId),
    };
  }

  /** A page of the active path: the `limit` messages before `beforeId`, root first. */
  messagesBefore(chatId: number, beforeId: number, limit = DEFAULT_PAGE): MessagePage {
    this.chats.getChat(chatId);
    return this.chats.messagesBefore(chatId, beforeId, limit);
  }
}

/**
 * Reads what an export needs: the chats a selection names, each with its character and active
 * path. Only the user's own chats are read; PIPPA reference sessions live in another table and
 * are never exported as the user's conversations.
 */
import type { CharacterRecord } from "../../../shared/domain/card";
import type { ChatSummary, Message } from "../../../shared/domain/chat";
import { MasqueError } from "../../../shared/errors";
import type { CharacterRepository } from "../../storage/characterRepository";
import type { ChatRepository } from "../../storage/chatRepository";

export interface ParsedSelection {
  chatIds?: number[] | undefined;
  characterIds?: number[] | undefined;
  all?: true | undefined;
}

export interface ExportChat {
  chat: ChatSummary;
  character: CharacterRecord;
  /** The active path, root first. */
  messages: Message[];
  /** Group chats: one item per (chat, character) pair, this one for `character`. */
  groupPart?: boolean;
}

export interface SelectedChats {
  chats: ExportChat[];
  /** Chats left out because they hold no message from the user. */
  skipped: number[];
}

export class ExportSource {
  constructor(
    private readonly chats: ChatRepository,
    private readonly characters: CharacterRepository,
    /** Group chats' characters in order (null: a one-to-one chat). */
    private readonly groupMembers: (chatId: number) => number[] | null = () => null,
  ) {}

  select(selection: ParsedSelection): SelectedChats {
    const summaries = this.summaries(selection);
    const characters = new Map<number, CharacterRecord>();
    const chats: ExportChat[] = [];
    const skipped: number[] = [];
    for (const chat of summaries.sort((a, b) => a.id - b.id)) {
      const messages = this.chats.activePath(chat.id);
      if (!messages.some((m) => m.role === "user" && m.text.trim() !== "")) {
        if (selection.chatIds) {
          throw new MasqueError(
            "INVALID_INPUT",
            `chat ${chat.id} has no message from you: nothing to export`,
            {
              chatId: chat.id,
            },
          );
        }
        skipped.push(chat.id);
        continue;
      }
      const characterOf = (id: number) => {
        const known = characters.get(id) ?? this.characters.get(id);
        characters.set(id, known);
        return known;
      };
      const members = this.groupMembers(chat.id);
      if (!members) chats.push({ chat, character: characterOf(chat.characterId), messages });
      // A group chat: one line per character, with the other characters' lines as they are.
      else
        for (const id of members) chats.push({ chat, character: characterOf(id), messages, groupPart: true });
    }
    if (chats.length === 0) {
      const note = skipped.length > 0 ? ` (${skipped.length} without any message from you)` : "";
      throw new MasqueError("INVALID_INPUT", `no chats to export${note}`, { skipped });
    }
    return { chats, skipped };
  }

  chat(chatId: number): ExportChat {
    const chat = this.chats.getChat(chatId);
    return {
      chat,
      character: this.characters.get(chat.characterId),
      messages: this.chats.activePath(chatId),
    };
  }

  private summaries(selection: ParsedSelection): ChatSummary[] {
    if (selection.chatIds) {
      const ids = [...new Set(selection.chatIds)];
      const missing: number[] = [];
      const found: ChatSummary[] = [];
      for (const id of ids) {
        try {
          found.push(this.chats.getChat(id));
        } catch (error) {
          if (!(error instanceof MasqueError && error.code === "NOT_FOUND")) throw error;
          missing.push(id);
        }
      }
      if (missing.length > 0) throw notFound("chat", missing);
      return found;
    }
    if (selection.characterIds) {
      const ids = [...new Set(selection.characterIds)];
      const known = new Set(this.characters.list().map((c) => c.id));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) throw notFound("character", missing);
      return ids.flatMap((id) => this.chats.listChats(id));
    }
    return this.chats.listChats();
  }
}

function notFound(what: "chat" | "character", ids: number[]): MasqueError {
  const list = ids.join(", ");
  const message = ids.length === 1 ? `${what} ${list} does not exist` : `${what}s ${list} do not exist`;
  return new MasqueError("NOT_FOUND", message, { [`${what}Ids`]: ids });
}

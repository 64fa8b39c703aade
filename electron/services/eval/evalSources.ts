/** The conversations an evaluation reads: characters' PIPPA reference sessions, or chats' active paths. */
import type { CardData } from "../../../shared/domain/card";
import type { CharacterRepository } from "../../storage/characterRepository";
import type { ChatRepository } from "../../storage/chatRepository";
import type { ReferenceSessionRepository } from "../../storage/referenceSessionRepository";
import type { ConversationTurn } from "./conversationPieces";

export interface Conversation {
  key: string;
  characterId: number;
  card: CardData;
  sessionId: number | null;
  chatId: number | null;
  turns: ConversationTurn[];
}

export interface SourceRepositories {
  characters: CharacterRepository;
  sessions: ReferenceSessionRepository;
  chats: ChatRepository;
}

/** Up to `limit` reference sessions per character, oldest first. */
export function referenceConversations(
  repos: SourceRepositories,
  characterIds: readonly number[],
  limit = Number.POSITIVE_INFINITY,
): Conversation[] {
  const out: Conversation[] = [];
  for (const characterId of characterIds) {
    const card = repos.characters.get(characterId).data;
    for (const summary of repos.sessions.list(characterId).slice(0, limit)) {
      const session = repos.sessions.get(summary.id);
      out.push({
        key: `session:${session.id}`,
        characterId,
        card,
        sessionId: session.id,
        chatId: null,
        turns: session.messages.map((m) => ({ role: m.isHuman ? "user" : "character", text: m.text })),
      });
    }
  }
  return out;
}

export function chatConversations(repos: SourceRepositories, chatIds: readonly number[]): Conversation[] {
  return chatIds.map((chatId) => {
    const chat = repos.chats.getChat(chatId);
    return {
      key: `chat:${chatId}`,
      characterId: chat.characterId,
      card: repos.characters.get(chat.characterId).data,
      sessionId: null,
      chatId,
      turns: repos.chats.activePath(chatId, chat.activeLeafId).map((m) => ({
        role: m.role === "user" ? ("user" as const) : ("character" as const),
        text: m.text,
      })),
    };
  });
}

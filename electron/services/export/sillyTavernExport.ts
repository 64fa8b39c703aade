/**
 * One chat as a SillyTavern chat file: the active path, each message with its alternatives as
 * `swipes` and the active one's index as `swipe_id`. SillyTavern has no tree, so branches that
 * continue from an inactive alternative are not in the file. Not redacted: this moves the user's
 * own chat between the user's own apps.
 */
import type { ExportedFile } from "../../../shared/domain/library";
import type { ChatRepository } from "../../storage/chatRepository";
import type { ExportChat } from "./exportSource";
import { humanizedDateTime, messageTimestamp, type StHeader, type StMessage } from "./sillyTavernFormat";

export function sillyTavernFile(
  chats: ChatRepository,
  item: ExportChat,
  userName: string,
  /** Group chats: the name of the character who wrote a message (default: the chat's character). */
  writerName: (characterId: number) => string = () => item.character.data.name,
): ExportedFile {
  const characterName = item.character.data.name;
  const header: StHeader = {
    user_name: userName,
    character_name: characterName,
    create_date: humanizedDateTime(item.chat.createdAt),
    chat_metadata: {},
  };
  const lines = [JSON.stringify(header)];
  for (const m of item.messages) {
    const isUser = m.role === "user";
    const message: StMessage = {
      name: isUser ? userName : m.characterId == null ? characterName : writerName(m.characterId),
      is_user: isUser,
      is_system: false,
      send_date: messageTimestamp(m.createdAt),
      mes: m.text,
      extra: {},
    };
    if (m.siblingCount > 1) {
      const siblings = chats.siblings(m.id);
      message.swipe_id = siblings.findIndex((s) => s.id === m.id);
      message.swipes = siblings.map((s) => s.text);
      message.swipe_info = siblings.map((s) => ({ send_date: messageTimestamp(s.createdAt), extra: {} }));
    }
    lines.push(JSON.stringify(message));
  }
  const safeName = characterName.replace(/[\\/:*?"<>|\p{Cc}]+/gu, "_").trim() || "chat";
  return {
    fileName: `${safeName} - ${header.create_date}.jsonl`,
    mimeType: "application/jsonl",
    dataBase64: Buffer.from(lines.join("\n"), "utf8").toString("base64"),
  };
}

/**
 * Seeds a data dir, through the real repositories, with what the long-chat benchmark and the
 * browser tests open: a character, an empty chat, a short chat, a chat of thousands of messages
 * (varied lengths, some Markdown), and a short and a long reference session. Deterministic.
 */
import { CharacterRepository } from "../electron/storage/characterRepository";
import { ChatRepository } from "../electron/storage/chatRepository";
import { openDatabase } from "../electron/storage/database";
import { ReferenceSessionRepository } from "../electron/storage/referenceSessionRepository";
import { emptyCardData } from "../shared/domain/card";
import type { ReferenceMessage } from "../shared/domain/library";

export interface LongChatSeedOptions {
  characterName?: string;
  /** Messages in the short chat (default 20). */
  shortMessages?: number;
  /** Messages in the long chat (default 10,000). */
  longMessages?: number;
  /** Messages in the short reference session (default 20). */
  shortSessionMessages?: number;
  /** Messages in the long reference session (default 3,000). */
  longSessionMessages?: number;
}

export interface LongChatSeed {
  characterId: number;
  characterName: string;
  /** Chat titles, as the chat list shows them. */
  titles: { empty: string; short: string; long: string };
  chatIds: { empty: number; short: number; long: number };
  /** Ids of the long chat's messages, root first. */
  longMessageIds: number[];
  shortMessageIds: number[];
  sessionIds: { short: number; long: number };
  /** Messages in each reference session. */
  sessionSizes: { short: number; long: number };
}

const WORDS = (
  "the rain taps on the window and she smiles softly as the lantern flickers near the old map " +
  "of the northern sea where the captain once lost his ship in a storm that nobody remembers now " +
  "tea steams in a chipped cup while the cat watches the door and a letter waits unopened"
).split(" ");

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sentence(next: () => number, words: number): string {
  const picked: string[] = [];
  for (let i = 0; i < words; i++) picked.push(WORDS[Math.floor(next() * WORDS.length)] ?? "the");
  const text = picked.join(" ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * Message `index` (1-based) of a long role-play: mostly plain paragraphs of 1 to ~20 sentences,
 * some with *actions* and "speech", some with a list, a quote, a code block or bold text.
 */
export function longChatText(index: number, isUser: boolean): string {
  const next = random(index * 7919 + (isUser ? 1 : 0));
  const sentences = isUser ? 1 + Math.floor(next() * 3) : 1 + Math.floor(next() ** 2 * 20);
  const parts = [`Message ${index}.`];
  for (let i = 0; i < sentences; i++) parts.push(sentence(next, 4 + Math.floor(next() * 14)));
  let text = parts.join(" ");
  const flavour = next();
  if (flavour < 0.25) text = `*${sentence(next, 5).slice(0, -1)}* "${sentence(next, 6)}" ${text}`;
  else if (flavour < 0.32)
    text += `\n\n- ${sentence(next, 4)}\n- ${sentence(next, 5)}\n- ${sentence(next, 3)}`;
  else if (flavour < 0.36) text += `\n\n> ${sentence(next, 9)}`;
  else if (flavour < 0.39) text += `\n\n\`\`\`\nlantern.light(${index});\n\`\`\``;
  else if (flavour < 0.45) text += ` **${sentence(next, 3)}**`;
  return text;
}

function sessionMessages(count: number): ReferenceMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const isHuman = i % 2 === 1;
    return { isHuman, text: longChatText(i + 1, isHuman) };
  });
}

/** Writes the seed into `dataDir` (a fresh one: the web host is started on it afterwards). */
export function seedLongChat(dataDir: string, options: LongChatSeedOptions = {}): LongChatSeed {
  const characterName = options.characterName ?? "Lantern Keeper";
  const database = openDatabase(dataDir);
  try {
    const characters = new CharacterRepository(database);
    const chats = new ChatRepository(database);
    const sessions = new ReferenceSessionRepository(database);
    const data = {
      ...emptyCardData(characterName),
      description: `${characterName} keeps the lighthouse and tells long stories.`,
    };
    const character = characters.create({ spec: "chara_card_v2", spec_version: "2.0", data });
    const titles = { empty: "Empty chat", short: "Short chat", long: "Long chat" };
    const start = Date.UTC(2024, 0, 1);

    const fill = (title: string, count: number, at: number): { chatId: number; ids: number[] } =>
      database.transaction(() => {
        // No greeting on the card: the chat starts empty and every message is added here.
        const chatId = chats.createChat(character.id, title, [], at);
        const ids: number[] = [];
        let parentId: number | null = null;
        for (let i = 1; i <= count; i++) {
          const role = i % 2 === 0 ? "user" : "character";
          const message = chats.addMessage(
            { chatId, parentId, role, text: longChatText(i, role === "user") },
            at + i,
          );
          parentId = message.id;
          ids.push(message.id);
        }
        return { chatId, ids };
      });

    const long = fill(titles.long, options.longMessages ?? 10_000, start);
    const short = fill(titles.short, options.shortMessages ?? 20, start + 20_000);
    const empty = fill(titles.empty, 0, start + 40_000);

    const addSession = (count: number, hash: string) => {
      sessions.add({
        characterId: character.id,
        contentHash: hash,
        submittedAt: start,
        messages: sessionMessages(count),
      });
    };
    const longSessionMessages = options.longSessionMessages ?? 3_000;
    const shortSessionMessages = options.shortSessionMessages ?? 20;
    database.transaction(() => {
      addSession(longSessionMessages, "seed-long-session");
      addSession(shortSessionMessages, "seed-short-session");
    });
    const listed = sessions.list(character.id);
    const sessionId = (count: number) => {
      const found = listed.find((s) => s.messageCount === count);
      if (!found) throw new Error(`the seeded session of ${count} messages is missing`);
      return found.id;
    };
    return {
      characterId: character.id,
      characterName,
      titles,
      chatIds: { empty: empty.chatId, short: short.chatId, long: long.chatId },
      longMessageIds: long.ids,
      shortMessageIds: short.ids,
      sessionIds: { short: sessionId(shortSessionMessages), long: sessionId(longSessionMessages) },
      sessionSizes: { short: shortSessionMessages, long: longSessionMessages },
    };
  } finally {
    database.close();
  }
}

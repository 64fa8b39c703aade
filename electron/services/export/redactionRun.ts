/**
 * One export's text, redacted: character fields once per character, messages once per chat (the
 * greeting is the first message). The preview lists every name replacement and flagged span; the
 * export itself applies the user's accept/reject choice to the same fields, so ids match.
 */

import { MasqueError } from "../../../shared/errors";
import {
  countField,
  emptyCounts,
  finishField,
  type RedactedField,
  redactField,
} from "../../../shared/redaction/document";
import type { FlaggedSpan, NameReplacement, RedactionCounts } from "../../../shared/redaction/types";
import type { ExportChat } from "./exportSource";
import { botIdFor, type CharacterFields, characterFields, conversationTurns } from "./pippaFields";

export interface RedactedCharacter {
  botId: string;
  botName: string;
  categories: string[] | null;
  description: RedactedField | null;
  definitions: RedactedField | null;
}

export interface RedactedChat {
  chatId: number;
  character: RedactedCharacter;
  /** Set when the conversation starts with the character's greeting (then it is `turns[0]`). */
  hasGreeting: boolean;
  turns: { field: RedactedField; isHuman: boolean }[];
}

export type Acceptance = string[] | "all";

export class RedactionRun {
  readonly chats: RedactedChat[] = [];
  private readonly characters = new Map<number, RedactedCharacter>();

  constructor(
    chats: readonly ExportChat[],
    readonly nameList: readonly string[],
  ) {
    for (const chat of chats) this.chats.push(this.redactChat(chat));
  }

  fields(): RedactedField[] {
    const own = [...this.characters.values()].flatMap((c) => [c.description, c.definitions]);
    const messages = this.chats.flatMap((c) => c.turns.map((t) => t.field));
    return [...own, ...messages].filter((f): f is RedactedField => f !== null);
  }

  replacements(): NameReplacement[] {
    return this.fields().flatMap((f) => f.names);
  }

  flagged(): FlaggedSpan[] {
    return this.fields().flatMap((f) => f.flagged);
  }

  messageCount(): number {
    return this.chats.reduce((n, c) => n + c.turns.length, 0);
  }

  /** The accept test for a choice; ids that are not flagged in this export mean the preview is stale. */
  acceptance(choice: Acceptance): (id: string) => boolean {
    if (choice === "all") return () => true;
    const known = new Set(this.flagged().map((f) => f.id));
    const unknown = choice.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new MasqueError(
        "INVALID_INPUT",
        `unknown flagged span id${unknown.length > 1 ? "s" : ""} ${unknown.slice(0, 5).join(", ")}: preview again`,
        { unknown },
      );
    }
    const accepted = new Set(choice);
    return (id) => accepted.has(id);
  }

  counts(accepted: (id: string) => boolean): RedactionCounts {
    const counts = emptyCounts();
    for (const field of this.fields()) countField(counts, field, accepted);
    return counts;
  }

  text(field: RedactedField | null, accepted: (id: string) => boolean): string | null {
    return field === null ? null : finishField(field, accepted);
  }

  /** Names the user goes by that are also (part of) a character's name: replaced there too. */
  warnings(): string[] {
    const lower = new Set(this.nameList.map((n) => n.toLowerCase()));
    const out: string[] = [];
    for (const c of this.characters.values()) {
      const clash = c.botName.split(/\s+/).filter((part) => lower.has(part.toLowerCase()));
      if (clash.length > 0)
        out.push(
          `${c.botName}: "${clash.join('", "')}" is also one of your names and is replaced by {{user}} in its chats`,
        );
    }
    return out;
  }

  private redactChat(item: ExportChat): RedactedChat {
    const character = this.redactCharacter(item);
    const turns = conversationTurns(item.messages, character.botName);
    const root = item.messages[0];
    const hasGreeting = root?.role === "character" && root.text.trim() !== "";
    const chatId = item.chat.id;
    const key = item.groupPart ? `chat${chatId}.${item.character.id}` : `chat${chatId}`;
    return {
      chatId,
      character,
      hasGreeting,
      turns: turns.map((turn, index) => {
        const field = hasGreeting && index === 0 ? "greeting" : "message";
        const location = { chatId, characterId: item.character.id, field, messageIndex: index } as const;
        return {
          field: redactField(turn.text, location, `${key}:m${index}`, this.nameList),
          isHuman: turn.isHuman,
        };
      }),
    };
  }

  private redactCharacter(item: ExportChat): RedactedCharacter {
    const id = item.character.id;
    const known = this.characters.get(id);
    if (known) return known;
    const card = item.character.data;
    const fields: CharacterFields = characterFields(card);
    const redact = (text: string | null, field: "description" | "definitions") =>
      text === null
        ? null
        : redactField(
            text,
            { chatId: null, characterId: id, field, messageIndex: null },
            `char${id}:${field}`,
            this.nameList,
          );
    const character: RedactedCharacter = {
      botId: botIdFor(card),
      botName: card.name.trim(),
      categories: card.tags.length > 0 ? [...card.tags] : null,
      description: redact(fields.description, "description"),
      definitions: redact(fields.definitions, "definitions"),
    };
    this.characters.set(id, character);
    return character;
  }
}

/**
 * Group chats: their members (add, mute, remove, talkativeness) and who speaks next. A one-to-one
 * chat is a chat of one member; adding a second character makes it a group chat.
 */
import type { CardData } from "../../shared/domain/card";
import type { ChatOptions } from "../../shared/domain/chat";
import { type ChatMember, MAX_GROUP_MEMBERS } from "../../shared/domain/group";
import { MasqueError } from "../../shared/errors";
import { chooseSpeakers, type SpeakerChoice, talkativenessOf } from "../../shared/prompt/speaker";
import type { CharacterRepository } from "../storage/characterRepository";
import type { ChatMemberRepository, MemberRow } from "../storage/chatMemberRepository";
import type { ChatRepository } from "../storage/chatRepository";

export interface MemberChange {
  muted?: boolean;
  /** null: back to the card's own value. */
  talkativeness?: number | null;
  remove?: boolean;
}

export class GroupService {
  constructor(
    private readonly members: ChatMemberRepository,
    private readonly chats: ChatRepository,
    private readonly characters: CharacterRepository,
  ) {}

  list(chatId: number): ChatMember[] {
    return this.members.members(chatId).map(toMember);
  }

  isGroup(chatId: number): boolean {
    return this.members.isGroup(chatId);
  }

  /** Makes a new chat a group chat of its character and `others`. */
  makeGroup(chatId: number, characterId: number, others: readonly number[]): void {
    const ids = [characterId, ...others];
    if (new Set(ids).size !== ids.length) {
      throw new MasqueError("INVALID_INPUT", "characterIds: a character can be in a group chat only once");
    }
    if (ids.length > MAX_GROUP_MEMBERS) {
      throw new MasqueError("INVALID_INPUT", `a group chat has at most ${MAX_GROUP_MEMBERS} characters`);
    }
    for (const id of others) this.characters.get(id);
    this.members.setMembers(chatId, ids);
  }

  add(chatId: number, characterId: number): void {
    this.characters.get(characterId);
    const current = this.list(chatId);
    if (current.some((m) => m.characterId === characterId)) {
      throw new MasqueError("INVALID_INPUT", `character ${characterId} is already in chat ${chatId}`);
    }
    if (current.length >= MAX_GROUP_MEMBERS) {
      throw new MasqueError("INVALID_INPUT", `a group chat has at most ${MAX_GROUP_MEMBERS} characters`);
    }
    if (!this.members.isGroup(chatId))
      this.members.setMembers(
        chatId,
        current.map((m) => m.characterId),
      );
    this.members.add(chatId, characterId);
  }

  change(chatId: number, characterId: number, change: MemberChange): void {
    const current = this.list(chatId);
    if (!current.some((m) => m.characterId === characterId)) {
      throw new MasqueError("NOT_FOUND", `character ${characterId} is not in chat ${chatId}`);
    }
    if (!this.members.isGroup(chatId)) {
      throw new MasqueError("INVALID_INPUT", `chat ${chatId} is not a group chat; add a character first`);
    }
    if (change.remove) {
      if (current.length === 1) {
        throw new MasqueError("INVALID_INPUT", "the last character of a chat cannot be removed");
      }
      this.members.remove(chatId, characterId);
      return;
    }
    const unmutedLeft = current.filter((m) => !m.muted && m.characterId !== characterId).length;
    if (change.muted === true && unmutedLeft === 0) {
      throw new MasqueError("INVALID_INPUT", "at least one character of a group chat must stay unmuted");
    }
    this.members.update(chatId, characterId, change);
  }

  /**
   * Who answers: the character the user picked (`as`), else the chat's speaking order applied to
   * the last message. The seed makes natural order reproducible for a given turn.
   */
  speaker(
    chatId: number,
    lastMessage: { text: string; speakerId: number | null } | null,
    lastCharacter: number | null,
    as: number | undefined,
    seed: number,
  ): SpeakerChoice {
    const members = this.list(chatId);
    if (as === undefined && members.length === 1) {
      return { speakerId: (members[0] as ChatMember).characterId, reason: "the chat's character" };
    }
    const order = (this.chats.options(chatId) as ChatOptions).speakerOrder ?? "natural";
    const groupMembers = members.map((m) => ({
      id: m.characterId,
      name: m.name,
      talkativeness: m.talkativeness,
      muted: m.muted,
    }));
    const strategy =
      as !== undefined
        ? ({ kind: "manual", speakerId: as } as const)
        : order === "list"
          ? ({ kind: "list", order: members.map((m) => m.characterId) } as const)
          : ({ kind: "natural" } as const);
    // The fixed list goes on from the character who spoke last, whatever the user wrote since.
    const last =
      strategy.kind === "list" ? { text: lastMessage?.text ?? "", speakerId: lastCharacter } : lastMessage;
    const choice = chooseSpeakers({ members: groupMembers, strategy, lastMessage: last, seed })[0];
    if (!choice) throw new MasqueError("INVALID_INPUT", "every character of this group chat is muted");
    return choice;
  }

  /** The cards of the chat's members, and of any character that wrote in it and left. */
  card(characterId: number): CardData {
    return this.characters.get(characterId).data;
  }
}

function toMember(row: MemberRow): ChatMember {
  const card = JSON.parse(row.dataJson) as { extensions?: Record<string, unknown> };
  const cardValue = talkativenessOf(card.extensions ?? {});
  return {
    characterId: row.characterId,
    name: row.name,
    order: row.order,
    muted: row.muted,
    talkativeness: row.talkativeness ?? cardValue,
    ownTalkativeness: row.talkativeness,
  };
}

/**
 * Group chats: a chat with two or more characters. Each character message records who wrote it;
 * who answers next is chosen by `shared/prompt/speaker.ts` (natural order, the fixed list of
 * members, or the user's pick).
 */

export interface ChatMember {
  characterId: number;
  name: string;
  /** Position in the member list (the fixed speaking order). */
  order: number;
  /** Never chosen to speak (it can still be picked by hand once unmuted). */
  muted: boolean;
  /** 0..1; the chat's own value, or the card's `talkativeness` extension, or 0.5. */
  talkativeness: number;
  /** The chat's own talkativeness (null: the card's). */
  ownTalkativeness: number | null;
}

/** How a group chat chooses who speaks when the user does not pick anyone. */
export type SpeakerOrder = "natural" | "list";

export const MAX_GROUP_MEMBERS = 20;

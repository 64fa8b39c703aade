/**
 * User personas: who the user is in the story. `{{user}}` renders the persona's name and its
 * description goes into the prompt as a block of its own. One persona may be the default for new
 * chats; a chat may choose another one.
 */

/** Where the persona's description goes: in the static prefix (after the character) or at a depth in the history. */
export type PersonaPosition = "prefix" | "depth";

export interface Persona {
  id: number;
  name: string;
  description: string;
  position: PersonaPosition;
  /** Messages from the end when `position` is "depth" (0 = after the last message). */
  depth: number;
  hasAvatar: boolean;
  isDefault: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A chat's persona: its own choice, or the default persona when it made none. */
export interface ChatPersona {
  chatId: number;
  /** The chat's own choice (null: it follows the default persona). */
  chosenId: number | null;
  /** The persona the chat uses now (null: none at all; the settings' user name applies). */
  persona: Persona | null;
}

export const PERSONA_NAME_MAX = 200;
export const PERSONA_DESCRIPTION_MAX = 50_000;

/**
 * Character cards, Tavern Card V2 shape (pippa-formats.md 3.2). Masque stores the whole `data`
 * object as it came in, unknown keys included, so that export is lossless.
 */
export interface CharacterBookEntry {
  keys: string[];
  content: string;
  extensions: Record<string, unknown>;
  enabled: boolean;
  insertion_order: number;
  [key: string]: unknown;
}

export interface CharacterBook {
  entries: CharacterBookEntry[];
  extensions: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CardData {
  name: string;
  description: string;
  personality: string;
  scenario: string;
  first_mes: string;
  mes_example: string;
  creator_notes: string;
  system_prompt: string;
  post_history_instructions: string;
  alternate_greetings: string[];
  character_book?: CharacterBook;
  tags: string[];
  creator: string;
  character_version: string;
  extensions: Record<string, unknown>;
  /** Fields Masque does not know are kept verbatim. */
  [key: string]: unknown;
}

export type CardSpec = "chara_card_v2" | "chara_card_v3";

export interface CharacterCard {
  spec: CardSpec;
  spec_version: string;
  data: CardData;
}

export function emptyCardData(name: string): CardData {
  return {
    name,
    description: "",
    personality: "",
    scenario: "",
    first_mes: "",
    mes_example: "",
    creator_notes: "",
    system_prompt: "",
    post_history_instructions: "",
    alternate_greetings: [],
    tags: [],
    creator: "",
    character_version: "",
    extensions: {},
  };
}

/** Where a character came from: typed in, a character card file, or the PIPPA dataset. */
export type CharacterSource = "manual" | "card" | "pippa";

/** What a character list shows: enough to render a row, never the whole card. */
export interface CharacterSummary {
  id: number;
  name: string;
  tags: string[];
  description: string;
  source: CharacterSource;
  hasAvatar: boolean;
  createdAt: number;
  updatedAt: number;
  lastChatAt: number | null;
}

/** A stored character: the id plus the full card (the `characters show` shape). */
export interface CharacterRecord extends CharacterCard {
  id: number;
  source: CharacterSource;
  hasAvatar: boolean;
  createdAt: number;
  updatedAt: number;
}

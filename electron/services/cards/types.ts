import type { CharacterCard } from "../../../shared/domain/card";

/** An asset; `path` is a safe relative path like "assets/icon/images/main.png". */
export interface CardFile {
  path: string;
  mime: string;
  data: Uint8Array;
}

export interface CardImage {
  mime: string;
  data: Uint8Array;
}

export interface ParsedCard {
  /** "chara_card_v2" (from V1/V2/hybrid) or "chara_card_v3"; `data` keeps every key it came with. */
  card: CharacterCard;
  /** The PNG itself (card chunks removed) for PNG cards; the main icon asset for CHARX. */
  avatar: CardImage | null;
  /** CHARX files (all but card.json) and V3 `chara-ext-asset_` PNG chunks. */
  assets: CardFile[];
  /** Every repair made, in plain words. */
  warnings: string[];
}

export type SniffedKind = "png" | "zip" | "json" | "unknown";

export interface ExportedCard {
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

export type Warn = (message: string) => void;

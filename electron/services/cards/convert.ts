import type { CardData, CharacterCard } from "../../../shared/domain/card";

/**
 * Written into `creator_notes` of the `chara` copy in a PNG when the card is V3, as the V3 spec
 * asks for backfilled V2 copies. It also tells our own reader that this `chara` is not the source
 * (see pickPngCard). It is never added to V2 JSON exports.
 */
export const V3_BACKFILL_NOTE =
  "[This is a Character Card V3 stored as V2 for older apps. Some features need a V3-capable app.]";

/**
 * V2 JSON. From a V3 card every data key is kept as-is (group_only_greetings, assets, nickname,
 * source, creation/modification dates, V3 lorebook fields): V2 readers must ignore keys they do
 * not know, and Masque keeps them, so V3 → V2 → import → V3 gives back the same data.
 */
export function toV2Json(card: CharacterCard): {
  spec: "chara_card_v2";
  spec_version: "2.0";
  data: CardData;
} {
  return { spec: "chara_card_v2", spec_version: "2.0", data: card.data };
}

/**
 * V3 data from V2 data: adds what V3 requires and V2 lacks (`group_only_greetings: []`, and
 * `use_regex`/`constant` false on lorebook entries); keeps everything else. Never mutates `data`.
 */
export function toV3Data(data: CardData): CardData {
  const out: CardData = { ...data };
  if (out.group_only_greetings === undefined) out.group_only_greetings = [];
  const book = data.character_book;
  if (book?.entries.some((entry) => entry.use_regex === undefined || entry.constant === undefined)) {
    const entries = book.entries.map((entry) => ({
      ...entry,
      use_regex: entry.use_regex ?? false,
      constant: entry.constant ?? false,
    }));
    out.character_book = { ...book, entries };
  }
  return out;
}

export function toV3Json(card: CharacterCard): {
  spec: "chara_card_v3";
  spec_version: string;
  data: CardData;
} {
  const version = card.spec === "chara_card_v3" ? card.spec_version : "3.0";
  return { spec: "chara_card_v3", spec_version: version, data: toV3Data(card.data) };
}

/** The `chara` chunk of a PNG: the V2 JSON, plus the backfill note when the card is V3. */
export function pngCharaJson(card: CharacterCard): ReturnType<typeof toV2Json> {
  if (card.spec !== "chara_card_v3") return toV2Json(card);
  const notes = card.data.creator_notes;
  const creator_notes = notes === "" ? V3_BACKFILL_NOTE : `${V3_BACKFILL_NOTE}\n\n${notes}`;
  return toV2Json({ ...card, data: { ...card.data, creator_notes } });
}

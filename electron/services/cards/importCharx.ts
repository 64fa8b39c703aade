import type { CharacterCard } from "../../../shared/domain/card";
import { CardFormatError, invalid, isRecord } from "./cardError";
import { decodeUtf8, parseJsonText } from "./decode";
import { CARD_LIMITS, checkSize } from "./limits";
import { guessMime } from "./mime";
import { normalizeCard } from "./normalize";
import type { CardFile, ParsedCard, Warn } from "./types";
import { listZip, type ZipEntryRef } from "./zip";

const EMBEDDED = /^embedd?ed:\/\//;

/** The path inside the archive of an `embeded://` URI (the spec's spelling; "embedded" accepted too). */
export function embeddedPath(uri: unknown): string | null {
  return typeof uri === "string" && EMBEDDED.test(uri) ? uri.replace(EMBEDDED, "") : null;
}

/**
 * A CHARX zip: card.json at the root; every other file is kept as an asset at its path. Sizes are
 * checked against CARD_LIMITS from the zip's directory, before anything is inflated.
 */
export function parseCharx(bytes: Uint8Array, warn: Warn): Omit<ParsedCard, "warnings"> {
  const refs = listZip(bytes);
  const cardRef = refs.find((entry) => entry.path === "card.json");
  if (cardRef === undefined) {
    const elsewhere = refs.find((entry) => entry.path.toLowerCase().endsWith("card.json"));
    invalid(
      elsewhere
        ? `card.json is not at the root of the archive (found "${elsewhere.path}")`
        : "archive has no card.json at its root (not a CHARX card)",
    );
  }
  checkSize("card.json", cardRef.size, CARD_LIMITS.jsonBytes, " for a card's JSON");
  const assetRefs = refs.filter((entry) => entry !== cardRef);
  for (const ref of assetRefs)
    checkSize(`asset "${ref.path}"`, ref.size, CARD_LIMITS.assetBytes, " per asset");
  const total = assetRefs.reduce((sum, ref) => sum + ref.size, 0);
  checkSize("the assets together", total, CARD_LIMITS.totalAssetBytes, " for all of a card's assets");
  const card = readCardJson(cardRef, warn);
  if (card.spec !== "chara_card_v3")
    warn("card.json is not a V3 card, which CHARX requires; imported anyway");
  const icon = findIcon(card.data.assets, assetRefs, warn);
  if (icon) checkSize(`the icon "${icon.path}"`, icon.size, CARD_LIMITS.avatarBytes, " for a card's picture");
  const assets: CardFile[] = assetRefs.map((ref) => {
    const data = ref.read();
    return { path: ref.path, mime: guessMime(data, ref.path), data };
  });
  const iconFile = icon && assets.find((asset) => asset.path === icon.path);
  return { card, avatar: iconFile ? { mime: iconFile.mime, data: iconFile.data } : null, assets };
}

function readCardJson(ref: ZipEntryRef, warn: Warn): CharacterCard {
  try {
    return normalizeCard(parseJsonText(decodeUtf8(ref.read(), "the file"), "the file"), warn);
  } catch (error) {
    if (error instanceof CardFormatError) invalid(`card.json: ${error.message}`);
    throw error;
  }
}

/** The main icon's entry, warning about every embedded asset the archive lacks. */
function findIcon(refs: unknown, entries: ZipEntryRef[], warn: Warn): ZipEntryRef | null {
  const list = Array.isArray(refs) ? refs.filter(isRecord) : [];
  for (const ref of list) {
    const path = embeddedPath(ref.uri);
    if (path !== null && !entries.some((entry) => entry.path === path)) {
      warn(`asset "${path}" is listed in data.assets but missing from the archive`);
    }
  }
  const icons = list.filter((ref) => ref.type === "icon" && embeddedPath(ref.uri) !== null);
  const main = icons.find((ref) => ref.name === "main") ?? icons[0];
  return (main && entries.find((entry) => entry.path === embeddedPath(main.uri))) ?? null;
}

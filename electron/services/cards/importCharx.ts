import { CardFormatError, invalid, isRecord } from "./cardError";
import { decodeUtf8, parseJsonText } from "./decode";
import { guessMime } from "./mime";
import { normalizeCard } from "./normalize";
import type { CardFile, CardImage, ParsedCard, Warn } from "./types";
import { readZip } from "./zip";

const EMBEDDED = /^embedd?ed:\/\//;

/** The path inside the archive of an `embeded://` URI (the spec's spelling; "embedded" accepted too). */
export function embeddedPath(uri: unknown): string | null {
  return typeof uri === "string" && EMBEDDED.test(uri) ? uri.replace(EMBEDDED, "") : null;
}

/** A CHARX zip: card.json at the root; every other file is kept as an asset at its path. */
export function parseCharx(bytes: Uint8Array, warn: Warn): Omit<ParsedCard, "warnings"> {
  const entries = readZip(bytes);
  const cardEntry = entries.find((entry) => entry.path === "card.json");
  if (cardEntry === undefined) {
    const elsewhere = entries.find((entry) => entry.path.toLowerCase().endsWith("card.json"));
    invalid(
      elsewhere
        ? `card.json is not at the root of the archive (found "${elsewhere.path}")`
        : "archive has no card.json at its root (not a CHARX card)",
    );
  }
  let card: ParsedCard["card"];
  try {
    card = normalizeCard(parseJsonText(decodeUtf8(cardEntry.data, "the file"), "the file"), warn);
  } catch (error) {
    if (error instanceof CardFormatError) invalid(`card.json: ${error.message}`);
    throw error;
  }
  if (card.spec !== "chara_card_v3")
    warn("card.json is not a V3 card, which CHARX requires; imported anyway");
  const assets: CardFile[] = entries
    .filter((entry) => entry !== cardEntry)
    .map((entry) => ({ path: entry.path, mime: guessMime(entry.data, entry.path), data: entry.data }));
  return { card, avatar: findIcon(card.data.assets, assets, warn), assets };
}

function findIcon(refs: unknown, assets: CardFile[], warn: Warn): CardImage | null {
  const list = Array.isArray(refs) ? refs.filter(isRecord) : [];
  for (const ref of list) {
    const path = embeddedPath(ref.uri);
    if (path !== null && !assets.some((asset) => asset.path === path)) {
      warn(`asset "${path}" is listed in data.assets but missing from the archive`);
    }
  }
  const icons = list.filter((ref) => ref.type === "icon" && embeddedPath(ref.uri) !== null);
  const main = icons.find((ref) => ref.name === "main") ?? icons[0];
  const file = main && assets.find((asset) => asset.path === embeddedPath(main.uri));
  return file ? { mime: file.mime, data: file.data } : null;
}

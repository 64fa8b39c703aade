import { isDeepStrictEqual } from "node:util";
import type { CharacterCard } from "../../../shared/domain/card";
import { CardFormatError, invalid } from "./cardError";
import { toV3Data } from "./convert";
import { decodeBase64, decodeUtf8, parseJsonText } from "./decode";
import { base64Length, CARD_LIMITS, checkSize } from "./limits";
import { guessMime } from "./mime";
import { normalizeCard } from "./normalize";
import { encodePng, type PngChunk, readPngChunks } from "./png";
import { ASSET_KEYWORD_PREFIX, cardChunkKind, textKeyword, textValue } from "./pngText";
import { unsafePathReason } from "./safePath";
import type { CardFile, ParsedCard, Warn } from "./types";

interface Loaded {
  card: CharacterCard;
  warnings: string[];
}
type Attempt = Loaded | { error: CardFormatError };

/**
 * A PNG/APNG card. The avatar is the same PNG with the card chunks (chara, ccv3, asset chunks)
 * left out and every other chunk copied byte for byte, so exporting it again yields the same avatar.
 */
export function parsePngCard(bytes: Uint8Array, warn: Warn): Omit<ParsedCard, "warnings"> {
  const { chunks, trailing } = readPngChunks(bytes);
  if (trailing > 0) warn(`${trailing} bytes after the PNG's IEND chunk were ignored`);
  const found: Record<"chara" | "ccv3", PngChunk[]> = { chara: [], ccv3: [] };
  const assets: CardFile[] = [];
  const kept: PngChunk[] = [];
  for (const chunk of chunks) {
    const kind = cardChunkKind(chunk);
    if (kind === "asset") readAssetChunk(chunk, assets, warn);
    else if (kind !== null) found[kind].push(chunk);
    else kept.push(chunk);
  }
  const total = assets.reduce((sum, asset) => sum + asset.data.length, 0);
  checkSize("the asset chunks together", total, CARD_LIMITS.totalAssetBytes, " for all of a card's assets");
  const card = pickCard(found, warn);
  const avatar = encodePng(kept);
  checkSize("the image", avatar.length, CARD_LIMITS.avatarBytes, " for a card's picture");
  return { card, avatar: { mime: "image/png", data: avatar }, assets };
}

function pickCard(found: Record<"chara" | "ccv3", PngChunk[]>, warn: Warn): CharacterCard {
  const [chara, ccv3] = [found.chara[0], found.ccv3[0]];
  if (chara === undefined && ccv3 === undefined) {
    invalid("PNG has no character data (no chara or ccv3 text chunk)");
  }
  for (const kind of ["chara", "ccv3"] as const) {
    if (found[kind].length > 1) warn(`PNG has ${found[kind].length} ${kind} chunks; used the first`);
  }
  const v2 = chara ? attempt(chara, "chara") : undefined;
  const v3 = ccv3 ? attempt(ccv3, "ccv3") : undefined;
  const ok2 = v2 !== undefined && "card" in v2 ? v2 : undefined;
  const ok3 = v3 !== undefined && "card" in v3 ? v3 : undefined;
  let chosen: Loaded;
  if (ok3) {
    // ccv3 wins, unless it is only the mechanical V3 copy of the chara card (what our own export
    // writes for a V2 card): then the card is V2 and keeps its spec.
    const derived = ok2 !== undefined && isDeepStrictEqual(toV3Data(ok2.card.data), ok3.card.data);
    chosen = derived ? ok2 : ok3;
  } else if (ok2) {
    if (v3 !== undefined && "error" in v3)
      warn(`ccv3 chunk unreadable (${v3.error.message}); used the chara chunk`);
    chosen = ok2;
  } else {
    const failed = [v3, v2].find((result) => result !== undefined && "error" in result);
    throw failed !== undefined && "error" in failed
      ? failed.error
      : new CardFormatError("PNG card unreadable");
  }
  for (const message of chosen.warnings) warn(message);
  return chosen.card;
}

function attempt(chunk: PngChunk, kind: "chara" | "ccv3"): Attempt {
  const warnings: string[] = [];
  try {
    // Checked before anything is decoded: base64 of the largest JSON a card may have.
    checkSize(
      "the chunk",
      chunk.data.length,
      base64Length(CARD_LIMITS.jsonBytes),
      " for a card's text chunk",
    );
    const text = textValue(chunk, CARD_LIMITS.jsonBytes);
    let json: unknown;
    if (text.trimStart().startsWith("{")) {
      warnings.push(`${kind} chunk held plain JSON instead of base64`);
      json = parseJsonText(text, "its text");
    } else {
      const bytes = decodeBase64(text, "its text");
      checkSize("its JSON", bytes.length, CARD_LIMITS.jsonBytes);
      json = parseJsonText(decodeUtf8(bytes, "its text"), "its text");
    }
    return { card: normalizeCard(json, (message) => warnings.push(message)), warnings };
  } catch (error) {
    if (!(error instanceof CardFormatError)) throw error;
    return { error: new CardFormatError(`${kind} chunk: ${error.message}`) };
  }
}

function readAssetChunk(chunk: PngChunk, assets: CardFile[], warn: Warn): void {
  const keyword = textKeyword(chunk) ?? "";
  const path = keyword.slice(ASSET_KEYWORD_PREFIX.length).replace(/^:/, "");
  const reason = unsafePathReason(path);
  if (reason !== null) {
    warn(`PNG asset chunk "${keyword}" skipped: its path ${reason}`);
    return;
  }
  if (assets.some((asset) => asset.path === path)) {
    warn(`PNG asset chunk "${keyword}" skipped: duplicate path`);
    return;
  }
  const limit = base64Length(CARD_LIMITS.assetBytes);
  checkSize(`PNG asset chunk "${keyword}"`, chunk.data.length, limit, " per asset (as base64)");
  try {
    const data = decodeBase64(textValue(chunk, limit), "its text");
    assets.push({ path, mime: guessMime(data, path), data });
  } catch (error) {
    if (!(error instanceof CardFormatError)) throw error;
    warn(`PNG asset chunk "${keyword}" skipped: ${error.message}`);
  }
}

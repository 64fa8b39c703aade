import type { CharacterCard } from "../../../shared/domain/card";
import type { CardExportFormat } from "../../../shared/domain/library";
import { MasqueError } from "../../../shared/errors";
import { CardFormatError, invalid, isRecord } from "./cardError";
import { pngCharaJson, toV2Json, toV3Data, toV3Json } from "./convert";
import { encodeBase64, encodeJson } from "./decode";
import { embeddedPath } from "./importCharx";
import { extensionForMime, guessMime } from "./mime";
import { placeholderAvatar } from "./placeholderAvatar";
import { encodePng, hasPngSignature, insertBeforeIend, type PngChunk, readPngChunks } from "./png";
import { ASSET_KEYWORD_PREFIX, cardChunkKind, makeTextChunk } from "./pngText";
import { unsafePathReason } from "./safePath";
import { slugify } from "./slug";
import type { CardFile, CardImage, ExportedCard } from "./types";
import { writeZip, type ZipEntry } from "./zip";

export interface CardFiles {
  avatar: CardImage | null;
  assets: CardFile[];
}

/** Serialises a card; JSON formats ignore the files. Broken inputs throw CARD_INVALID. */
export function exportCard(card: CharacterCard, files: CardFiles, format: CardExportFormat): ExportedCard {
  const base = slugify(card.data.name);
  try {
    switch (format) {
      case "v2":
        return { fileName: `${base}.json`, mimeType: "application/json", data: encodeJson(toV2Json(card)) };
      case "v3":
        return { fileName: `${base}.json`, mimeType: "application/json", data: encodeJson(toV3Json(card)) };
      case "png":
        return { fileName: `${base}.png`, mimeType: "image/png", data: exportPng(card, files) };
      case "charx":
        return { fileName: `${base}.charx`, mimeType: "application/zip", data: exportCharx(card, files) };
    }
  } catch (error) {
    if (error instanceof CardFormatError) {
      throw new MasqueError("CARD_INVALID", `cannot export "${card.data.name}": ${error.message}`);
    }
    throw error;
  }
}

/**
 * The avatar PNG (or a placeholder when there is none or it is not a PNG) with its old card chunks
 * replaced by `chara` (V2) and `ccv3` (V3) before IEND. Assets referenced as `__asset:<path>` go back
 * into `chara-ext-asset_:<path>` chunks; other assets (CHARX files) only travel in CHARX exports.
 */
function exportPng(card: CharacterCard, files: CardFiles): Uint8Array {
  const image =
    files.avatar && hasPngSignature(files.avatar.data)
      ? files.avatar.data
      : placeholderAvatar(card.data.name);
  let chunks: PngChunk[];
  try {
    chunks = readPngChunks(image).chunks;
  } catch (error) {
    if (error instanceof CardFormatError) invalid(`the avatar is a broken PNG (${error.message})`);
    throw error;
  }
  const kept = chunks.filter((chunk) => cardChunkKind(chunk) === null);
  const cardChunks = [
    makeTextChunk("chara", encodeBase64(jsonBytes(pngCharaJson(card)))),
    makeTextChunk("ccv3", encodeBase64(jsonBytes(toV3Json(card)))),
    ...assetChunks(card, files.assets),
  ];
  return encodePng(insertBeforeIend(kept, cardChunks));
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function assetChunks(card: CharacterCard, assets: CardFile[]): PngChunk[] {
  const refs = Array.isArray(card.data.assets) ? card.data.assets.filter(isRecord) : [];
  const wanted = new Set(
    refs.flatMap((ref) =>
      typeof ref.uri === "string" && ref.uri.startsWith("__asset:") ? [ref.uri.slice(8)] : [],
    ),
  );
  return assets
    .filter((asset) => wanted.has(asset.path))
    .map((asset) => {
      if (!/^[\x20-\x7e]+$/.test(asset.path))
        invalid(`asset path "${asset.path}" cannot be a PNG chunk keyword`);
      return makeTextChunk(`${ASSET_KEYWORD_PREFIX}:${asset.path}`, encodeBase64(asset.data));
    });
}

/**
 * card.json (V3) plus every asset at its path. An avatar without an icon asset is added as
 * assets/icon/images/main.<ext> with a matching `data.assets` entry (replacing a `ccdefault:` icon).
 */
function exportCharx(card: CharacterCard, files: CardFiles): Uint8Array {
  const json = toV3Json(card);
  const data = { ...toV3Data(card.data) };
  const entries: ZipEntry[] = files.assets.map((asset) => ({ path: asset.path, data: asset.data }));
  const paths = new Set<string>();
  for (const { path } of entries) {
    const reason = path === "card.json" ? "is reserved for the card" : unsafePathReason(path);
    if (reason !== null) invalid(`asset path "${path}" ${reason}`);
    if (paths.has(path)) invalid(`asset path "${path}" appears twice`);
    paths.add(path);
  }
  const refs = Array.isArray(data.assets) ? (data.assets as unknown[]) : [];
  const hasIcon = refs.some(
    (ref) => isRecord(ref) && ref.type === "icon" && paths.has(embeddedPath(ref.uri) ?? ""),
  );
  if (files.avatar && !hasIcon) {
    const sniffed = guessMime(files.avatar.data, "");
    const ext = extensionForMime(sniffed === "application/octet-stream" ? files.avatar.mime : sniffed);
    const path = `assets/icon/images/main.${ext}`;
    if (!paths.has(path)) entries.push({ path, data: files.avatar.data });
    const others = refs.filter((ref) => !(isRecord(ref) && ref.type === "icon" && ref.uri === "ccdefault:"));
    data.assets = [...others, { type: "icon", uri: `embeded://${path}`, name: "main", ext }];
  }
  return writeZip([{ path: "card.json", data: encodeJson({ ...json, data }) }, ...entries]);
}

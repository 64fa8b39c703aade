import { inflateSync } from "node:zlib";
import { formatBytes } from "../../../shared/format/bytes";
import { invalid } from "./cardError";
import type { PngChunk } from "./png";

export const TEXT_CHUNK_TYPES = new Set(["tEXt", "zTXt", "iTXt"]);

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

export const ASSET_KEYWORD_PREFIX = "chara-ext-asset_";

export type CardChunkKind = "chara" | "ccv3" | "asset";

/**
 * The keyword of a tEXt/zTXt/iTXt chunk, or null for other chunks and malformed ones.
 * Longer keywords than PNG's 79 bytes are accepted on read (asset chunks may carry long paths).
 */
export function textKeyword(chunk: PngChunk): string | null {
  if (!TEXT_CHUNK_TYPES.has(chunk.type)) return null;
  const nul = chunk.data.indexOf(0);
  if (nul < 1) return null;
  return latin1.decode(chunk.data.subarray(0, nul));
}

/** Which card chunk this is (keywords match case-insensitively), or null. */
export function cardChunkKind(chunk: PngChunk): CardChunkKind | null {
  const keyword = textKeyword(chunk)?.toLowerCase();
  if (keyword === "chara" || keyword === "ccv3") return keyword;
  if (keyword?.startsWith(ASSET_KEYWORD_PREFIX)) return "asset";
  return null;
}

/**
 * The text of a tEXt (Latin-1), zTXt (zlib, Latin-1) or iTXt (UTF-8, maybe zlib) chunk.
 * Compressed text is inflated up to `maxBytes` and refused beyond (a zTXt/iTXt bomb guard).
 */
export function textValue(chunk: PngChunk, maxBytes: number): string {
  const data = chunk.data;
  const nul = data.indexOf(0);
  if (chunk.type === "tEXt") return latin1.decode(data.subarray(nul + 1));
  if (chunk.type === "zTXt") {
    if (data[nul + 1] !== 0) invalid("zTXt chunk uses an unknown compression method");
    return latin1.decode(inflate(data.subarray(nul + 2), maxBytes));
  }
  const compressed = data[nul + 1] === 1;
  if (compressed && data[nul + 2] !== 0) invalid("iTXt chunk uses an unknown compression method");
  const langEnd = data.indexOf(0, nul + 3);
  const keywordEnd = langEnd === -1 ? -1 : data.indexOf(0, langEnd + 1);
  if (keywordEnd === -1) invalid("iTXt chunk is malformed");
  const raw = data.subarray(keywordEnd + 1);
  try {
    return utf8.decode(compressed ? inflate(raw, maxBytes) : raw);
  } catch {
    return invalid("iTXt chunk text is not valid UTF-8");
  }
}

function inflate(data: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return inflateSync(data, { maxOutputLength: maxBytes });
  } catch (error) {
    const tooBig =
      error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    return invalid(
      tooBig
        ? `compressed text chunk inflates beyond ${formatBytes(maxBytes)}, the limit`
        : "compressed text chunk is corrupt",
    );
  }
}

/** A tEXt chunk; `text` must be Latin-1 (the callers only write base64). */
export function makeTextChunk(keyword: string, text: string): PngChunk {
  const data = new Uint8Array(keyword.length + 1 + text.length);
  for (let i = 0; i < keyword.length; i++) data[i] = keyword.charCodeAt(i);
  data[keyword.length] = 0;
  for (let i = 0; i < text.length; i++) data[keyword.length + 1 + i] = text.charCodeAt(i);
  return { type: "tEXt", data };
}

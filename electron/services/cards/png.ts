import { crc32 } from "node:zlib";
import { invalid } from "./cardError";

export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk; `data` is a view into the source bytes, so unchanged chunks are copied exactly. */
export interface PngChunk {
  type: string;
  data: Uint8Array;
}

export interface PngRead {
  chunks: PngChunk[];
  /** Bytes after IEND (ignored; reported by the caller). */
  trailing: number;
}

const MAX_CHUNK_LENGTH = 0x7fffffff;

export function hasPngSignature(bytes: Uint8Array): boolean {
  if (bytes.length < PNG_SIGNATURE.length) return false;
  return PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** Reads every chunk up to IEND, checking lengths and CRCs. Throws CardFormatError on damage. */
export function readPngChunks(bytes: Uint8Array): PngRead {
  if (!hasPngSignature(bytes)) invalid("not a PNG (bad signature)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let pos = PNG_SIGNATURE.length;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) invalid(`PNG is truncated (chunk header at byte ${pos} is cut off)`);
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) invalid(`PNG chunk at byte ${pos} has an invalid type`);
    if (length > MAX_CHUNK_LENGTH) invalid(`PNG chunk ${type} declares an impossible length`);
    const end = pos + 12 + length;
    if (end > bytes.length) invalid(`PNG is truncated (chunk ${type} at byte ${pos} is cut off)`);
    const stored = view.getUint32(pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== stored) {
      invalid(`PNG chunk ${type} at byte ${pos} fails its CRC check (corrupt file)`);
    }
    if (chunks.length === 0 && type !== "IHDR") invalid("PNG does not start with an IHDR chunk");
    chunks.push({ type, data: bytes.subarray(pos + 8, pos + 8 + length) });
    pos = end;
    if (type === "IEND") return { chunks, trailing: bytes.length - pos };
  }
  return invalid("PNG is truncated (no IEND chunk)");
}

export function encodePng(chunks: readonly PngChunk[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + 12 + chunk.data.length, PNG_SIGNATURE.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(PNG_SIGNATURE, 0);
  let pos = PNG_SIGNATURE.length;
  for (const chunk of chunks) {
    view.setUint32(pos, chunk.data.length);
    for (let i = 0; i < 4; i++) out[pos + 4 + i] = chunk.type.charCodeAt(i);
    out.set(chunk.data, pos + 8);
    view.setUint32(pos + 8 + chunk.data.length, crc32(out.subarray(pos + 4, pos + 8 + chunk.data.length)));
    pos += 12 + chunk.data.length;
  }
  return out;
}

/** Inserts `extra` right before IEND (which readPngChunks guarantees is last). */
export function insertBeforeIend(chunks: readonly PngChunk[], extra: readonly PngChunk[]): PngChunk[] {
  const iend = chunks.findIndex((chunk) => chunk.type === "IEND");
  const at = iend === -1 ? chunks.length : iend;
  return [...chunks.slice(0, at), ...extra, ...chunks.slice(at)];
}

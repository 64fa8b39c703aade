import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import { formatBytes } from "../../../shared/format/bytes";
import { invalid } from "./cardError";
import { CARD_LIMITS } from "./limits";
import { unsafePathReason } from "./safePath";

export interface ZipEntry {
  path: string;
  data: Uint8Array;
}

/** An entry whose sizes are known from the central directory; `read()` inflates and checks it. */
export interface ZipEntryRef {
  path: string;
  /** Uncompressed size as declared (inflation stops there, so a lie cannot blow up memory). */
  size: number;
  read(): Uint8Array;
}

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
}

export const ZIP_LIMITS: ZipLimits = {
  maxEntries: 2000,
  maxTotalBytes: CARD_LIMITS.totalAssetBytes + CARD_LIMITS.jsonBytes,
};

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
/** "Version made by" host 3 is Unix: the high 16 bits of the external attributes are st_mode. */
const HOST_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** 1980-01-01 00:00 in DOS format: exports are byte-for-byte reproducible. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

interface CentralEntry {
  path: string;
  rawName: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Reads a zip in memory: stored and deflated entries only, no encryption, no ZIP64, no multi-disk,
 * no symbolic links. Directory entries are skipped. Entry paths, counts and sizes are checked before
 * anything is inflated, and inflation is capped at each entry's declared size, so a lying header
 * cannot blow up memory.
 */
export function readZip(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ZipEntry[] {
  return listZip(bytes, limits).map((entry) => ({ path: entry.path, data: entry.read() }));
}

/** The entries of a zip with their declared sizes, checked as in `readZip`; nothing is inflated yet. */
export function listZip(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ZipEntryRef[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(bytes, view);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    invalid("multi-disk zip archives are not supported");
  }
  if (count === 0xffff || cdOffset === 0xffffffff) {
    invalid(
      `ZIP64 archive refused (limits: ${limits.maxEntries} entries, ${formatBytes(limits.maxTotalBytes)})`,
    );
  }
  if (count > limits.maxEntries) invalid(`zip has too many entries: ${count} (limit ${limits.maxEntries})`);
  if (cdOffset + cdSize > eocd) invalid("zip is corrupt (central directory out of bounds)");

  const entries = readCentralDirectory(bytes, view, cdOffset, count);
  const declared = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (declared > limits.maxTotalBytes) {
    invalid(
      `zip is too large: ${formatBytes(declared)} uncompressed (limit ${formatBytes(limits.maxTotalBytes)})`,
    );
  }
  const seen = new Set<string>();
  const out: ZipEntryRef[] = [];
  for (const entry of entries) {
    if (seen.has(entry.path)) invalid(`zip has a duplicate entry "${entry.path}"`);
    seen.add(entry.path);
    if (entry.path.endsWith("/")) continue;
    out.push({ path: entry.path, size: entry.size, read: () => extract(bytes, view, entry) });
  }
  return out;
}

function findEocd(bytes: Uint8Array, view: DataView): number {
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let pos = bytes.length - 22; pos >= stop; pos--) {
    if (view.getUint32(pos, true) === EOCD_SIG) return pos;
  }
  return invalid("not a valid zip archive (no end of central directory; corrupt or truncated)");
}

function readCentralDirectory(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  count: number,
): CentralEntry[] {
  const entries: CentralEntry[] = [];
  let pos = offset;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > bytes.length || view.getUint32(pos, true) !== CENTRAL_SIG) {
      invalid("zip is corrupt (bad central directory record)");
    }
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    if (pos + 46 + nameLength > bytes.length) invalid("zip is corrupt (truncated central directory)");
    const flags = view.getUint16(pos + 8, true);
    const rawName = bytes.subarray(pos + 46, pos + 46 + nameLength);
    const path = decodeName(rawName, flags);
    const reason = unsafePathReason(path, true);
    if (reason !== null) invalid(`zip entry "${visible(path)}" is refused: its path ${reason}`);
    const unixMode = view.getUint8(pos + 5) === HOST_UNIX ? view.getUint32(pos + 38, true) >>> 16 : 0;
    if ((unixMode & S_IFMT) === S_IFLNK) {
      invalid(`zip entry "${path}" is refused: it is a symbolic link, and links are not followed`);
    }
    const entry: CentralEntry = {
      path,
      rawName,
      flags,
      method: view.getUint16(pos + 10, true),
      crc: view.getUint32(pos + 16, true),
      compressedSize: view.getUint32(pos + 20, true),
      size: view.getUint32(pos + 24, true),
      localOffset: view.getUint32(pos + 42, true),
    };
    if (flags & FLAG_ENCRYPTED)
      invalid(`zip entry "${path}" is encrypted; encrypted archives are not supported`);
    if (entry.method !== 0 && entry.method !== 8) {
      invalid(`zip entry "${path}" uses unsupported compression method ${entry.method}`);
    }
    entries.push(entry);
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A name as it can be shown in a message: control characters (NUL included) as \u escapes. */
function visible(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: showing control characters is the point
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function decodeName(raw: Uint8Array, flags: number): string {
  try {
    return utf8.decode(raw);
  } catch {
    if (flags & FLAG_UTF8) invalid("zip entry name is not valid UTF-8");
    return latin1.decode(raw);
  }
}

function extract(bytes: Uint8Array, view: DataView, entry: CentralEntry): Uint8Array {
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_SIG) {
    invalid(`zip entry "${entry.path}" is corrupt (bad local header)`);
  }
  const localNameLength = view.getUint16(at + 26, true);
  const localName = bytes.subarray(at + 30, Math.min(bytes.length, at + 30 + localNameLength));
  if (Buffer.compare(localName, entry.rawName) !== 0) {
    invalid(`zip entry "${entry.path}" is refused: its local header names another file`);
  }
  const start = at + 30 + localNameLength + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) invalid(`zip entry "${entry.path}" is truncated`);
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw;
  } else {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      const tooBig =
        error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
      invalid(
        tooBig
          ? `zip entry "${entry.path}" inflates beyond its declared size (possible zip bomb)`
          : `zip entry "${entry.path}" is corrupt (cannot inflate)`,
      );
    }
  }
  if (data.length !== entry.size) invalid(`zip entry "${entry.path}" is corrupt (size mismatch)`);
  if (crc32(data) !== entry.crc) invalid(`zip entry "${entry.path}" is corrupt (CRC mismatch)`);
  return new Uint8Array(data);
}

/** Writes a zip; each entry is deflated unless that does not make it smaller. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.path);
    const deflated = deflateRawSync(entry.data);
    const stored = deflated.length >= entry.data.length;
    const body = stored ? entry.data : deflated;
    const fields = {
      flags: /^[\x20-\x7e]*$/.test(entry.path) ? 0 : FLAG_UTF8,
      method: stored ? 0 : 8,
      crc: crc32(entry.data),
      compressedSize: body.length,
      size: entry.data.length,
    };
    const local = header(30, LOCAL_SIG, name, fields, 4);
    centrals.push(centralHeader(name, fields, offset));
    locals.push(local, body);
    offset += local.length + body.length;
  }
  const cdSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const eocd = new Uint8Array(22);
  const view = new DataView(eocd.buffer);
  view.setUint32(0, EOCD_SIG, true);
  view.setUint16(8, entries.length, true);
  view.setUint16(10, entries.length, true);
  view.setUint32(12, cdSize, true);
  view.setUint32(16, offset, true);
  return concat([...locals, ...centrals, eocd]);
}

interface HeaderFields {
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
}

/** Local and central headers share the block from "version needed" to the name length. */
function header(size: number, signature: number, name: Uint8Array, f: HeaderFields, at: number): Uint8Array {
  const out = new Uint8Array(size + name.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, signature, true);
  view.setUint16(at, 20, true);
  view.setUint16(at + 2, f.flags, true);
  view.setUint16(at + 4, f.method, true);
  view.setUint16(at + 6, 0, true);
  view.setUint16(at + 8, DOS_DATE, true);
  view.setUint32(at + 10, f.crc, true);
  view.setUint32(at + 14, f.compressedSize, true);
  view.setUint32(at + 18, f.size, true);
  view.setUint16(at + 22, name.length, true);
  out.set(name, size);
  return out;
}

function centralHeader(name: Uint8Array, f: HeaderFields, localOffset: number): Uint8Array {
  const out = header(46, CENTRAL_SIG, name, f, 6);
  const view = new DataView(out.buffer);
  view.setUint16(4, 20, true);
  view.setUint32(42, localOffset, true);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

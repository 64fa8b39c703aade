/**
 * A bounded walk over a local GGUF file's header (metadata and tensor infos) before node-llama-cpp's
 * `readGgufFileInfo` sees it. That reader trusts the lengths and counts it finds: a bad version or
 * an array claiming 2^40 elements makes it loop and allocate without end. Here every length and
 * count is checked against the bytes left in the file, so a malformed file is refused by name.
 */
import { type FileHandle, open } from "node:fs/promises";
import { basename } from "node:path";
import { MasqueError } from "../../../shared/errors";

const MAGIC = "GGUF";
/** llama.cpp's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** Arrays of arrays are legal; nothing real nests more than once or twice. */
const MAX_ARRAY_DEPTH = 4;
const WINDOW_BYTES = 1 << 20;
/** Real keys are dotted names of a few dozen characters. */
const MAX_KEY_BYTES = 65_536;

/** Bytes of one value of each fixed-size GGUF type (strings and arrays are variable). */
const FIXED_SIZES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const STRING_TYPE = 8;
const ARRAY_TYPE = 9;

class HeaderProblem extends Error {}

/** Reads a file forward through a window, refusing any read past its end. */
class Cursor {
  private window = Buffer.alloc(0);
  private windowStart = 0;
  position = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  get remaining(): number {
    return this.size - this.position;
  }

  async bytes(count: number, what: string): Promise<Buffer> {
    if (count > this.remaining) {
      throw new HeaderProblem(`the file ends inside ${what} (offset ${this.position}); it may be truncated`);
    }
    const offset = this.position - this.windowStart;
    if (offset < 0 || offset + count > this.window.length) {
      const length = Math.min(Math.max(count, WINDOW_BYTES), this.remaining);
      const buffer = Buffer.alloc(length);
      await this.file.read(buffer, 0, length, this.position);
      this.window = buffer;
      this.windowStart = this.position;
    }
    const start = this.position - this.windowStart;
    this.position += count;
    return this.window.subarray(start, start + count);
  }

  skip(count: number, what: string): void {
    if (count > this.remaining) {
      throw new HeaderProblem(
        `${what} claims ${count} bytes but only ${this.remaining} are left in the file (offset ${this.position})`,
      );
    }
    this.position += count;
  }
}

/** What the caller expects the file to be, as its messages call it ("not a GGUF model"). */
export type GgufKind = "model" | "file";

/** Why the file cannot be a GGUF header node-llama-cpp may read, or null when its header is sound. */
export async function ggufHeaderProblem(path: string, kind: GgufKind = "model"): Promise<string | null> {
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : `cannot be read (${code ?? (error as Error).message})`;
  }
  try {
    const { size } = await file.stat();
    await walkHeader(new Cursor(file, size), kind);
    return null;
  } catch (error) {
    if (error instanceof HeaderProblem) return error.message;
    const code = (error as NodeJS.ErrnoException).code;
    return `cannot be read (${code ?? (error as Error).message})`;
  } finally {
    await file.close();
  }
}

/** Throws MODEL_INVALID naming the file and the reason when its GGUF header is malformed. */
export async function assertGgufHeader(path: string, kind: GgufKind = "model"): Promise<void> {
  const problem = await ggufHeaderProblem(path, kind);
  if (problem !== null) {
    throw new MasqueError("MODEL_INVALID", `${path}: ${problem}`, { path, file: basename(path) });
  }
}

async function walkHeader(cursor: Cursor, kind: GgufKind): Promise<void> {
  if (cursor.size < 8) throw new HeaderProblem(`not a GGUF ${kind} (only ${cursor.size} bytes)`);
  const magic = (await cursor.bytes(4, "the magic")).toString("latin1");
  if (magic !== MAGIC)
    throw new HeaderProblem(`not a GGUF ${kind} (the file starts with ${JSON.stringify(magic)})`);
  const version = (await cursor.bytes(4, "the version")).readUInt32LE(0);
  if (version < 1 || version > 3)
    throw new HeaderProblem(`unsupported GGUF version ${version} (expected 1 to 3)`);
  const wide = version >= 2;
  const readCount = async (what: string): Promise<number> => {
    if (!wide) return (await cursor.bytes(4, what)).readUInt32LE(0);
    const value = (await cursor.bytes(8, what)).readBigUInt64LE(0);
    // Anything beyond the file's size is implausible; clamp so the comparison stays exact.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  };
  const tensorCount = await readCount("the tensor count");
  const metadataCount = await readCount("the metadata count");
  // The smallest tensor info (empty name, no dimension) and metadata entry (empty key, one byte).
  const lengthBytes = wide ? 8 : 4;
  const minTensor = lengthBytes + 4 + 4 + 8;
  const minEntry = lengthBytes + 4 + 1;
  if (tensorCount * minTensor + metadataCount * minEntry > cursor.remaining) {
    throw new HeaderProblem(
      `the header claims ${tensorCount} tensors and ${metadataCount} metadata entries, more than a ${cursor.size}-byte file can hold`,
    );
  }
  const readString = async (what: string): Promise<void> => {
    cursor.skip(await readCount(`the length of ${what}`), what);
  };
  const readValue = async (type: number, what: string, depth: number): Promise<void> => {
    const fixed = FIXED_SIZES[type];
    if (fixed !== undefined) return cursor.skip(fixed, what);
    if (type === STRING_TYPE) return readString(what);
    if (type !== ARRAY_TYPE) throw new HeaderProblem(`${what} has an unknown value type ${type}`);
    if (depth >= MAX_ARRAY_DEPTH)
      throw new HeaderProblem(`${what} nests arrays more than ${MAX_ARRAY_DEPTH} deep`);
    const elementType = (await cursor.bytes(4, `the element type of ${what}`)).readUInt32LE(0);
    const count = await readCount(`the length of ${what}`);
    const elementFixed = FIXED_SIZES[elementType];
    if (elementFixed !== undefined) return cursor.skip(count * elementFixed, what);
    // Each string or array element takes at least its length field.
    if (count * lengthBytes > cursor.remaining) {
      throw new HeaderProblem(`${what} claims ${count} elements, more than the file can hold`);
    }
    for (let i = 0; i < count; i++) await readValue(elementType, what, depth + 1);
  };
  for (let i = 0; i < metadataCount; i++) {
    const keyLength = await readCount(`the key of metadata entry ${i}`);
    if (keyLength > MAX_KEY_BYTES) throw new HeaderProblem(`metadata entry ${i} has a ${keyLength}-byte key`);
    const key = (await cursor.bytes(keyLength, `the key of metadata entry ${i}`)).toString("utf8");
    const type = (await cursor.bytes(4, `the type of metadata "${key}"`)).readUInt32LE(0);
    await readValue(type, `metadata "${key}"`, 0);
  }
  for (let i = 0; i < tensorCount; i++) {
    await readString(`the name of tensor ${i}`);
    const dims = (await cursor.bytes(4, `the dimensions of tensor ${i}`)).readUInt32LE(0);
    if (dims > MAX_DIMS)
      throw new HeaderProblem(`tensor ${i} claims ${dims} dimensions (at most ${MAX_DIMS})`);
    cursor.skip(dims * lengthBytes + 4 + 8, `the shape, type and offset of tensor ${i}`);
  }
}

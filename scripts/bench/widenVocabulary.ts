/**
 * For the eval benchmark only: writes a copy of a small F32 llama GGUF whose vocabulary is padded
 * to `size` tokens (extra CONTROL tokens `<pad_N>`, never produced by tokenizing text, with small
 * random embedding and output rows), so that node-llama-cpp's full-distribution read can be timed
 * at real vocabulary sizes (32k, 128k) on a model that is still tiny. Written into a temp dir by
 * the benchmark and deleted after; never committed.
 *
 * GGUF v2/v3 layout: magic, version, tensor count, metadata count, typed key/values, tensor infos
 * (name, dims, type, offset), padding to `general.alignment` (32), tensor data.
 */
import { readFileSync, writeFileSync } from "node:fs";

enum ValueType {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
}

const SCALAR_BYTES: Partial<Record<ValueType, number>> = {
  [ValueType.U8]: 1,
  [ValueType.I8]: 1,
  [ValueType.U16]: 2,
  [ValueType.I16]: 2,
  [ValueType.U32]: 4,
  [ValueType.I32]: 4,
  [ValueType.F32]: 4,
  [ValueType.Bool]: 1,
  [ValueType.U64]: 8,
  [ValueType.I64]: 8,
  [ValueType.F64]: 8,
};

const CONTROL_TOKEN = 3;
const F32 = 0;

interface Entry {
  key: string;
  type: ValueType;
  /** Raw bytes of the value as stored (kept verbatim unless replaced). */
  raw: Buffer;
}

interface Tensor {
  name: string;
  dims: bigint[];
  type: number;
  offset: bigint;
}

class Reader {
  position = 0;
  constructor(readonly buffer: Buffer) {}
  u32() {
    const v = this.buffer.readUInt32LE(this.position);
    this.position += 4;
    return v;
  }
  u64() {
    const v = this.buffer.readBigUInt64LE(this.position);
    this.position += 8;
    return v;
  }
  string() {
    const length = Number(this.u64());
    const text = this.buffer.toString("utf8", this.position, this.position + length);
    this.position += length;
    return text;
  }
  /** Skips a value of `type`, returning its raw bytes. */
  value(type: ValueType): Buffer {
    const start = this.position;
    this.skip(type);
    return this.buffer.subarray(start, this.position);
  }
  private skip(type: ValueType): void {
    if (type === ValueType.String) {
      this.string();
    } else if (type === ValueType.Array) {
      const elementType = this.u32() as ValueType;
      const count = Number(this.u64());
      const size = SCALAR_BYTES[elementType];
      if (size !== undefined) this.position += size * count;
      else for (let i = 0; i < count; i++) this.skip(elementType);
    } else {
      const size = SCALAR_BYTES[type];
      if (size === undefined) throw new Error(`unknown GGUF value type ${type}`);
      this.position += size;
    }
  }
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const u64 = (v: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const ggufString = (text: string) => {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([u64(bytes.length), bytes]);
};

/** Appends `extra` elements to a raw array value. */
function appendToArray(raw: Buffer, extra: Buffer[], extraCount: number): Buffer {
  const elementType = raw.readUInt32LE(0);
  const count = raw.readBigUInt64LE(4);
  return Buffer.concat([u32(elementType), u64(count + BigInt(extraCount)), raw.subarray(12), ...extra]);
}

export function widenVocabulary(source: string, target: string, size: number, seed = 1): void {
  const file = readFileSync(source);
  const r = new Reader(file);
  if (file.toString("latin1", 0, 4) !== "GGUF") throw new Error(`${source}: not a GGUF file`);
  r.position = 4;
  const version = r.u32();
  const tensorCount = Number(r.u64());
  const entryCount = Number(r.u64());
  const entries: Entry[] = [];
  for (let i = 0; i < entryCount; i++) {
    const key = r.string();
    const type = r.u32() as ValueType;
    entries.push({ key, type, raw: r.value(type) });
  }
  const tensors: Tensor[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = r.string();
    const dims = Array.from({ length: r.u32() }, () => r.u64());
    tensors.push({ name, dims, type: r.u32(), offset: r.u64() });
  }
  const alignmentEntry = entries.find((e) => e.key === "general.alignment");
  const alignment = alignmentEntry ? alignmentEntry.raw.readUInt32LE(0) : 32;
  const dataStart = Math.ceil(r.position / alignment) * alignment;

  const tokensEntry = entries.find((e) => e.key === "tokenizer.ggml.tokens");
  if (!tokensEntry) throw new Error(`${source}: no tokenizer.ggml.tokens`);
  const vocabulary = Number(tokensEntry.raw.readBigUInt64LE(4));
  const extra = size - vocabulary;
  if (extra < 0) throw new Error(`${source}: already has ${vocabulary} tokens`);

  for (const entry of entries) {
    if (entry.key === "tokenizer.ggml.tokens") {
      entry.raw = appendToArray(
        entry.raw,
        Array.from({ length: extra }, (_, i) => ggufString(`<pad_${i}>`)),
        extra,
      );
    } else if (entry.key === "tokenizer.ggml.scores") {
      const score = Buffer.alloc(4);
      score.writeFloatLE(-1000);
      entry.raw = appendToArray(
        entry.raw,
        Array.from({ length: extra }, () => score),
        extra,
      );
    } else if (entry.key === "tokenizer.ggml.token_type") {
      entry.raw = appendToArray(
        entry.raw,
        Array.from({ length: extra }, () => u32(CONTROL_TOKEN)),
        extra,
      );
    } else if (entry.key.endsWith(".vocab_size") && entry.type === ValueType.U32) {
      entry.raw = u32(size);
    }
  }

  let state = seed >>> 0;
  const small = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296 - 0.5) * 0.02;
  };
  const data: Buffer[] = [];
  let offset = 0;
  const infos: Buffer[] = [];
  for (const tensor of tensors) {
    const count = tensor.dims.reduce((n, d) => n * Number(d), 1);
    let bytes = file.subarray(
      dataStart + Number(tensor.offset),
      dataStart + Number(tensor.offset) + count * 4,
    );
    let dims = tensor.dims;
    if (tensor.name === "token_embd.weight" || tensor.name === "output.weight") {
      if (tensor.type !== F32 || Number(dims[1]) !== vocabulary)
        throw new Error(`${tensor.name}: unexpected shape`);
      const rows = new Float32Array(Number(dims[0]) * extra).map(small);
      bytes = Buffer.concat([bytes, Buffer.from(rows.buffer)]);
      dims = [dims[0] as bigint, BigInt(size)];
    }
    infos.push(ggufString(tensor.name), u32(dims.length), ...dims.map(u64), u32(tensor.type), u64(offset));
    const padded = Math.ceil(bytes.length / alignment) * alignment;
    data.push(bytes, Buffer.alloc(padded - bytes.length));
    offset += padded;
  }
  const header = Buffer.concat([
    Buffer.from("GGUF", "latin1"),
    u32(version),
    u64(tensors.length),
    u64(entries.length),
    ...entries.flatMap((e) => [ggufString(e.key), u32(e.type), e.raw]),
    ...infos,
  ]);
  const headerPadded = Math.ceil(header.length / alignment) * alignment;
  writeFileSync(target, Buffer.concat([header, Buffer.alloc(headerPadded - header.length), ...data]));
}

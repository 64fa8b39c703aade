/**
 * A minimal GGUF (version 3) writer for test files: metadata of a few scalar types and F32
 * tensors. Dimensions are given in numpy order (outermost first) and written in GGUF's order
 * (innermost first).
 */
import { writeFileSync } from "node:fs";

export type GgufValue =
  | { type: "string"; value: string }
  | { type: "f32"; value: number }
  | { type: "u32"; value: number };

export interface GgufTensor {
  name: string;
  /** numpy order: e.g. (rows, columns). */
  shape: number[];
  data: Float32Array;
}

const ALIGNMENT = 32;
const VALUE_TYPE = { u32: 4, f32: 6, string: 8 } as const;
const GGML_F32 = 0;

class Bytes {
  private readonly parts: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  string(s: string): void {
    const text = Buffer.from(s, "utf8");
    this.u64(text.length);
    this.push(text);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(Buffer.alloc(pad));
  }
  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function writeGguf(path: string, metadata: Record<string, GgufValue>, tensors: GgufTensor[]): void {
  const header = new Bytes();
  header.push(Buffer.from("GGUF", "ascii"));
  header.u32(3);
  header.u64(tensors.length);
  header.u64(Object.keys(metadata).length);
  for (const [key, entry] of Object.entries(metadata)) {
    header.string(key);
    header.u32(VALUE_TYPE[entry.type]);
    if (entry.type === "string") header.string(entry.value);
    else if (entry.type === "f32") header.f32(entry.value);
    else header.u32(entry.value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    const count = tensor.shape.reduce((n, d) => n * d, 1);
    if (count !== tensor.data.length) {
      throw new Error(
        `${tensor.name}: shape ${tensor.shape.join("×")} needs ${count} values, got ${tensor.data.length}`,
      );
    }
    header.string(tensor.name);
    header.u32(tensor.shape.length);
    for (const d of [...tensor.shape].reverse()) header.u64(d);
    header.u32(GGML_F32);
    header.u64(offset);
    offsets.push(offset);
    offset += tensor.data.byteLength;
    offset += (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
  }
  header.padTo(ALIGNMENT);
  const body = new Bytes();
  for (const tensor of tensors) {
    body.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    body.padTo(ALIGNMENT);
  }
  writeFileSync(path, Buffer.concat([header.concat(), body.concat()]));
}

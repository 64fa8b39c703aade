/**
 * GGUF files made at test time (never committed): the test model with a large metadata value added
 * (so a download spans several 5 MiB chunks, and the file still loads), and header-only files that
 * describe models far bigger than the machine.
 */
import { closeSync, openSync, readSync, statSync, writeFileSync, writeSync } from "node:fs";
import { readGgufFileInfo } from "node-llama-cpp";

const GGUF_STRING = 8;
const GGUF_UINT32 = 4;
const GGUF_FLOAT32 = 6;
const GGUF_F32_TENSOR = 0;

/** Bytes of a GGUF v3 header before the first metadata entry: magic, version, tensor and KV counts. */
const PREAMBLE = 24;

function ggufString(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([length, bytes]);
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

function u64(value: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return b;
}

function stringEntry(key: string, value: string): Buffer {
  // Only for short values (the padding is written in pieces by writePaddedGguf).
  return Buffer.concat([ggufString(key), u32(GGUF_STRING), ggufString(value)]);
}

function u32Entry(key: string, value: number): Buffer {
  return Buffer.concat([ggufString(key), u32(GGUF_UINT32), u32(value)]);
}

function f32Entry(key: string, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([ggufString(key), u32(GGUF_FLOAT32), b]);
}

function readRange(path: string, start: number, length: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, start);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

const alignUp = (n: number, alignment: number) => Math.ceil(n / alignment) * alignment;

/**
 * Copies `source` to `target` with one more metadata entry (`masque.test.padding`, a string of
 * `paddingBytes` characters). Tensor data is copied unchanged after the re-aligned header, so the
 * result is the same model, `paddingBytes` larger. Written in pieces: the padding never exists as
 * one string or buffer.
 */
export async function writePaddedGguf(source: string, target: string, paddingBytes: number): Promise<void> {
  const info = await readGgufFileInfo(source, { readTensorInfo: true, logWarnings: false });
  const infoEnd = info.infoEndOffset;
  if (infoEnd === undefined) throw new Error(`${source}: the GGUF reader gave no header end offset`);
  const alignmentValue: unknown = (info.metadata.general as { alignment?: unknown }).alignment;
  const alignment = typeof alignmentValue === "number" ? alignmentValue : 32;
  const { size } = statSync(source);
  const oldDataStart = alignUp(infoEnd, alignment);
  const preamble = readRange(source, 0, PREAMBLE);
  preamble.writeBigUInt64LE(preamble.readBigUInt64LE(16) + 1n, 16);
  const entryHead = Buffer.concat([ggufString("masque.test.padding"), u32(GGUF_STRING), u64(paddingBytes)]);
  const rest = readRange(source, PREAMBLE, infoEnd - PREAMBLE);
  const headerLength = PREAMBLE + entryHead.length + paddingBytes + rest.length;
  const fd = openSync(target, "w");
  try {
    writeSync(fd, Buffer.concat([preamble, entryHead]));
    const chunk = Buffer.alloc(Math.min(paddingBytes, 4 * 1024 * 1024), "x");
    for (let left = paddingBytes; left > 0; left -= chunk.length) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, left));
    }
    writeSync(fd, Buffer.concat([rest, Buffer.alloc(alignUp(headerLength, alignment) - headerLength)]));
    writeSync(fd, readRange(source, oldDataStart, size - oldDataStart));
  } finally {
    closeSync(fd);
  }
}

/**
 * A llama GGUF header whose F32 tensors add up to about `parameters` weights; `dataBytes` is the
 * size of the tensor data that would follow it.
 */
function syntheticHeader(parameters: number): { header: Buffer; dataBytes: number } {
  const embedding = 4096;
  const layers = 32;
  const vocab = Math.max(1, Math.round(parameters / embedding / (layers + 2)));
  const entries = [
    stringEntry("general.architecture", "llama"),
    stringEntry("general.name", "Synthetic test model"),
    u32Entry("llama.context_length", 4096),
    u32Entry("llama.embedding_length", embedding),
    u32Entry("llama.block_count", layers),
    u32Entry("llama.feed_forward_length", 11008),
    u32Entry("llama.attention.head_count", 32),
    u32Entry("llama.attention.head_count_kv", 8),
    f32Entry("llama.attention.layer_norm_rms_epsilon", 1e-5),
  ];
  const tensors: Buffer[] = [];
  let offset = 0;
  const addTensor = (name: string, dims: number[]) => {
    tensors.push(
      Buffer.concat([
        ggufString(name),
        u32(dims.length),
        ...dims.map((d) => u64(d)),
        u32(GGUF_F32_TENSOR),
        u64(offset),
      ]),
    );
    offset = alignUp(offset + dims.reduce((a, b) => a * b, 4), 32);
  };
  addTensor("token_embd.weight", [embedding, vocab]);
  for (let layer = 0; layer < layers; layer++) addTensor(`blk.${layer}.ffn_up.weight`, [embedding, vocab]);
  addTensor("output.weight", [embedding, vocab]);
  const header = Buffer.concat([
    Buffer.from("GGUF", "ascii"),
    u32(3),
    u64(tensors.length),
    u64(entries.length),
    ...entries,
    ...tensors,
  ]);
  return {
    header: Buffer.concat([header, Buffer.alloc(alignUp(header.length, 32) - header.length)]),
    dataBytes: offset,
  };
}

/** A header-only GGUF (no tensor data) describing about `parameters` F32 weights: enough for the fit estimate, never loadable. */
export function writeHugeHeaderOnlyGguf(target: string, parameters: number): void {
  writeFileSync(target, syntheticHeader(parameters).header);
}

/**
 * A complete GGUF of about `bytes` (zero weights, a small header): a large download whose header
 * reads as fast as a real model's. Not a model anyone could chat with.
 */
export function writeLargeSyntheticGguf(target: string, bytes: number): void {
  const { header, dataBytes } = syntheticHeader(bytes / 4);
  const fd = openSync(target, "w");
  try {
    writeSync(fd, header);
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    for (let left = dataBytes; left > 0; left -= chunk.length)
      writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  } finally {
    closeSync(fd);
  }
}

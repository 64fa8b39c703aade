import { invalid } from "./cardError";
import { nestingProblem } from "./jsonDepth";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Strict base64: Buffer.from(…, "base64") silently skips junk, which would hide a broken chunk. */
export function decodeBase64(text: string, label: string): Uint8Array {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    invalid(`${label} is not valid base64`);
  }
  return new Uint8Array(Buffer.from(compact, "base64"));
}

export function encodeBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
}

export function decodeUtf8(bytes: Uint8Array, label: string): string {
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return invalid(`${label} is not valid UTF-8`);
  }
}

export function parseJsonText(text: string, label: string): unknown {
  const tooDeep = nestingProblem(text);
  if (tooDeep !== null) invalid(`${label} is refused: ${tooDeep}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return invalid(`${label} is not valid JSON (${detail})`);
  }
}

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2));
}

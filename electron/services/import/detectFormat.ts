import { open } from "node:fs/promises";
import type { ImportFormat } from "../../../shared/domain/library";
import { MasqueError } from "../../../shared/errors";

const SNIFF_BYTES = 64 * 1024;

/**
 * Tells a PIPPA JSONL file from a character card by content, not by name: PNG and ZIP magic bytes
 * are cards; JSON whose first line is an object with `bot_id` and `conversation` is PIPPA, one
 * with `user_name` or `character_name` is a SillyTavern chat.
 */
export async function detectImportFormat(path: string, fileName: string): Promise<ImportFormat> {
  const handle = await open(path, "r");
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) throw new MasqueError("IMPORT_FAILED", `${fileName}: the file is empty`);
  if (head[0] === 0x89 && head.subarray(1, 4).toString("latin1") === "PNG") return "card";
  if (head[0] === 0x50 && head[1] === 0x4b) return "card";
  const text = head.toString("utf8").replace(/^\uFEFF/, "");
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? "";
  if (/"bot_id"\s*:/.test(firstLine) && /"conversation"\s*:/.test(firstLine)) return "pippa";
  // A SillyTavern chat file starts with its header line.
  if (/^\s*\{/.test(firstLine) && /"(?:user_name|character_name)"\s*:/.test(firstLine)) return "sillytavern";
  if (/\.jsonl$/i.test(fileName)) return "pippa";
  if (text.trimStart().startsWith("{")) return "card";
  throw new MasqueError(
    "IMPORT_FAILED",
    `${fileName}: not a PIPPA JSONL file nor a character card (JSON, PNG or CHARX)`,
  );
}

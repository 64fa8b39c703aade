/**
 * Reads a lorebook from a file of any supported kind: a SillyTavern world-info JSON
 * (`{entries: {...}}`), a card book JSON (`{entries: [...]}` or V3's `{spec: "lorebook_v3", data}`),
 * or a character card (JSON, PNG, CHARX) whose embedded `character_book` is taken. Damage is
 * IMPORT_FAILED (CARD_INVALID for a card) naming the file, the entry and the field.
 */
import type { Lorebook, LorebookOrigin } from "../../../shared/domain/lore";
import { MasqueError } from "../../../shared/errors";
import { compileKey } from "../../../shared/prompt/lore/keys";
import { repairCharacterBook } from "../cards/book";
import { CardFormatError } from "../cards/cardError";
import { decodeUtf8, parseJsonText } from "../cards/decode";
import { parseCardFile, sniffCardKind } from "../cards/parseCard";
import { decodeCharacterBook } from "./characterBook";
import { describeValue, fail, isRecord, LoreFormatError, type Raw } from "./rawFields";
import { decodeWorldInfo } from "./worldInfo";

export interface ImportedLorebook {
  book: Lorebook;
  origin: LorebookOrigin;
  /** Repairs made while reading, in plain words. */
  warnings: string[];
}

export function readLorebookFile(bytes: Uint8Array, fileName: string): ImportedLorebook {
  const fallbackName = fileName.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "") || "Lorebook";
  const kind = sniffCardKind(bytes);
  if (kind === "png" || kind === "zip") return fromCard(bytes, fileName);
  const warnings: string[] = [];
  let json: unknown;
  try {
    if (kind !== "json") {
      fail(
        bytes.length === 0
          ? "the file is empty"
          : "not a lorebook (expected world-info JSON, a card book JSON or a character card)",
      );
    }
    json = parseJsonText(decodeUtf8(bytes, "the file"), "the file");
    if (looksLikeCard(json)) return fromCard(bytes, fileName);
    const { book, origin } = decodeJsonBook(json, fallbackName, (w) => warnings.push(w));
    checkKeys(book, origin, "");
    return { book, origin, warnings };
  } catch (error) {
    throw asImportError(error, "IMPORT_FAILED", fileName);
  }
}

function decodeJsonBook(json: unknown, fallbackName: string, warn: (w: string) => void) {
  if (!isRecord(json)) fail(`a lorebook must be a JSON object, not ${describeValue(json)}`);
  if (json.spec === "lorebook_v3") {
    const wrapper: Raw = { ...json, data: null };
    const holder: Raw = { character_book: json.data };
    repairCharacterBook(holder, true, warn);
    return {
      book: decodeCharacterBook(holder.character_book, fallbackName, "data", wrapper),
      origin: "character_book" as const,
    };
  }
  if (json.kind === "memory") fail("Agnai memory books are not supported; export the book from SillyTavern");
  if (json.lorebookVersion !== undefined)
    fail("NovelAI lorebooks are not supported; export the book from SillyTavern");
  if (isRecord(json.entries))
    return { book: decodeWorldInfo(json, fallbackName), origin: "worldinfo" as const };
  if (Array.isArray(json.entries)) {
    const holder: Raw = { character_book: json };
    repairCharacterBook(holder, false, warn);
    return {
      book: decodeCharacterBook(holder.character_book, fallbackName),
      origin: "character_book" as const,
    };
  }
  return fail(
    "not a lorebook: expected SillyTavern world info ({entries: {...}}), a card book ({entries: [...]}) or a character card",
  );
}

function looksLikeCard(json: unknown): boolean {
  if (!isRecord(json)) return false;
  if (typeof json.spec === "string" && json.spec.startsWith("chara_card_v")) return true;
  return json.entries === undefined && typeof json.name === "string" && "first_mes" in json;
}

function fromCard(bytes: Uint8Array, fileName: string): ImportedLorebook {
  const parsed = parseCardFile(bytes, fileName);
  const data = parsed.card.data;
  if (data.character_book === undefined) {
    throw new MasqueError(
      "IMPORT_FAILED",
      `${fileName}: the card "${data.name}" has no embedded lorebook (character_book)`,
    );
  }
  try {
    const book = decodeCharacterBook(data.character_book, `${data.name}'s lorebook`, "character_book");
    checkKeys(book, "character_book", "character_book.");
    return { book, origin: "card", warnings: parsed.warnings };
  } catch (error) {
    throw asImportError(error, "CARD_INVALID", fileName);
  }
}

/** Keys written `/pattern/flags` must be valid regular expressions. */
function checkKeys(book: Lorebook, format: "worldinfo" | "character_book", prefix: string): void {
  book.entries.forEach((entry, index) => {
    const base =
      format === "worldinfo"
        ? `${prefix}entries[${JSON.stringify(entry.source?.key ?? String(entry.uid))}]`
        : `${prefix}entries[${index}]`;
    const lists = [
      [format === "worldinfo" ? "key" : "keys", entry.keys],
      [format === "worldinfo" ? "keysecondary" : "secondary_keys", entry.secondaryKeys],
    ] as const;
    for (const [field, keys] of lists) {
      keys.forEach((key, i) => {
        if (key.trim() === "") return;
        const compiled = compileKey(key, { caseSensitive: false, wholeWords: false });
        if (!compiled.ok) fail(`${base}.${field}[${i}]: ${compiled.reason}`);
      });
    }
  });
}

function asImportError(error: unknown, code: "IMPORT_FAILED" | "CARD_INVALID", fileName: string): unknown {
  if (error instanceof LoreFormatError || error instanceof CardFormatError) {
    return new MasqueError(code, `${fileName}: ${error.message}`);
  }
  return error;
}

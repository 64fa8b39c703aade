import { MasqueError } from "../../../shared/errors";
import { CardFormatError, invalid } from "./cardError";
import { decodeUtf8, parseJsonText } from "./decode";
import { parseCharx } from "./importCharx";
import { parsePngCard } from "./importPng";
import { CARD_LIMITS, checkCardFields, checkSize } from "./limits";
import { normalizeCard } from "./normalize";
import { hasPngSignature } from "./png";
import type { ParsedCard, SniffedKind } from "./types";

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** What a file is, from its first bytes: PNG signature, zip "PK\3\4" (or an empty zip), or JSON. */
export function sniffCardKind(head: Uint8Array): SniffedKind {
  if (hasPngSignature(head)) return "png";
  if (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
  ) {
    return "zip";
  }
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && WHITESPACE.has(head[i] ?? 0)) i++;
  return head[i] === 0x7b || head[i] === 0x5b ? "json" : "unknown";
}

/** Reads a card file of any supported kind; damage becomes CARD_INVALID "<fileName>: <reason>". */
export function parseCardFile(bytes: Uint8Array, fileName: string): ParsedCard {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
  };
  try {
    checkSize("the file", bytes.length, CARD_LIMITS.fileBytes, " for a card file");
    const parsed = parseByKind(bytes, warn);
    checkCardFields(parsed.card.data);
    return { ...parsed, warnings };
  } catch (error) {
    if (error instanceof CardFormatError)
      throw new MasqueError("CARD_INVALID", `${fileName}: ${error.message}`);
    throw error;
  }
}

function parseByKind(bytes: Uint8Array, warn: (message: string) => void): Omit<ParsedCard, "warnings"> {
  const kind = sniffCardKind(bytes);
  if (kind === "png") return parsePngCard(bytes, warn);
  if (kind === "zip") return parseCharx(bytes, warn);
  if (kind === "json") {
    checkSize("the file", bytes.length, CARD_LIMITS.jsonBytes, " for a card's JSON");
    const json = parseJsonText(decodeUtf8(bytes, "the file"), "the file");
    return { card: normalizeCard(json, warn), avatar: null, assets: [] };
  }
  return invalid(
    bytes.length === 0
      ? "the file is empty"
      : "not a character card (expected a PNG, a CHARX zip or a JSON file)",
  );
}

import { describeValue, invalid, isRecord } from "./cardError";
import { repairBoolean, repairNumber, repairObject, repairString, repairStringList } from "./repair";
import type { Warn } from "./types";

/**
 * Repairs `data.character_book` in place. Optional fields and unknown keys are left verbatim;
 * only the fields the specs require are repaired (V3 also requires `use_regex` and `constant`).
 */
export function repairCharacterBook(data: Record<string, unknown>, v3: boolean, warn: Warn): void {
  if (!("character_book" in data) || data.character_book === undefined) return;
  const book = data.character_book;
  if (book === null) {
    warn("character_book was null; removed");
    delete data.character_book;
    return;
  }
  if (!isRecord(book)) invalid(`character_book must be an object, not ${describeValue(book)}`);
  repairObject({ obj: book, key: "extensions", label: "character_book.extensions", warn });
  const entries = book.entries;
  if (entries === undefined || entries === null) {
    warn(`character_book.entries was ${entries === null ? "null" : "missing"}; set to []`);
    book.entries = [];
    return;
  }
  if (!Array.isArray(entries)) {
    invalid(`character_book.entries must be a list, not ${describeValue(entries)}`);
  }
  entries.forEach((entry, i) => {
    repairEntry(entry, `character_book.entries[${i}]`, v3, warn);
  });
}

function repairEntry(entry: unknown, label: string, v3: boolean, warn: Warn): void {
  if (!isRecord(entry)) invalid(`${label} must be an object, not ${describeValue(entry)}`);
  const at = (key: string) => ({ obj: entry, key, label: `${label}.${key}`, warn });
  repairStringList(at("keys"), true);
  repairString(at("content"));
  repairObject(at("extensions"));
  repairBoolean(at("enabled"), true);
  repairNumber(at("insertion_order"), 0);
  if (entry.secondary_keys !== undefined) repairStringList(at("secondary_keys"), true);
  if (v3) {
    repairBoolean(at("use_regex"), false);
    repairBoolean(at("constant"), false);
  }
}

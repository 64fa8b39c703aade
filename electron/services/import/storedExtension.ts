/**
 * `extensions.pippa` as read back from the library. The user can replace a card's extensions in
 * the editor, and older versions stored timestamps that are no dates, so nothing in it is trusted:
 * each field is kept when it has the right shape and replaced by a neutral value otherwise.
 */
import type { PippaExtension } from "./botAggregate";
import { MAX_DATE_MS, type PippaRecord } from "./pippaRecord";

export function readStoredExtension(
  value: unknown,
  record: PippaRecord,
  fileName: string,
): PippaExtension | undefined {
  if (!isObject(value)) return undefined;
  return {
    bot_id: typeof value.bot_id === "string" && value.bot_id.trim() !== "" ? value.bot_id : record.bot_id,
    source_file: typeof value.source_file === "string" ? value.source_file : fileName,
    bot_name_raw:
      typeof value.bot_name_raw === "string" && value.bot_name_raw.trim() !== ""
        ? value.bot_name_raw
        : record.bot_name,
    bot_greeting_raw: typeof value.bot_greeting_raw === "string" ? value.bot_greeting_raw : "",
    bot_definitions_raw: stringOrNull(value.bot_definitions_raw),
    bot_description_raw: stringOrNull(value.bot_description_raw),
    categories_raw: Array.isArray(value.categories_raw) ? strings(value.categories_raw) : null,
    canonical_submission_timestamp: dateOrNull(value.canonical_submission_timestamp),
    first_submission_timestamp: dateOrNull(value.first_submission_timestamp),
    last_submission_timestamp: dateOrNull(value.last_submission_timestamp),
    greetings: Array.isArray(value.greetings) ? value.greetings.flatMap(greeting) : [],
    categories: Array.isArray(value.categories) ? strings(value.categories) : [],
    conversation_count: count(value.conversation_count),
  };
}

/** A stored date in milliseconds, or null when it is none (what a Date cannot hold included). */
export function dateOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_MS ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function strings(values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === "string");
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function greeting(value: unknown): { text: string; count: number }[] {
  if (!isObject(value) || typeof value.text !== "string") return [];
  return [{ text: value.text, count: Math.max(1, count(value.count)) }];
}

/**
 * One PIPPA line: the 8 keys of pippa.jsonl / pippa_deduped.jsonl (pippa-formats.md 1.2), checked
 * field by field so a refusal can say exactly what is wrong.
 */
import { editorMaxLength } from "../cards/limits";

export interface PippaMessage {
  message: string;
  is_human: boolean;
}

export interface PippaRecord {
  /** Milliseconds since 1970, or null when the line's value is not a date (see `timestampNote`). */
  submission_timestamp: number | null;
  categories: string[] | null;
  bot_id: string;
  bot_name: string;
  bot_greeting: string;
  bot_definitions: string | null;
  bot_description: string | null;
  conversation: PippaMessage[];
  /** Why `submission_timestamp` was repaired to null, for the import's warnings. */
  timestampNote?: string;
}

/** The last millisecond a JavaScript Date can hold (±100,000,000 days from 1970). */
export const MAX_DATE_MS = 8.64e15;

export const PIPPA_KEYS = [
  "submission_timestamp",
  "categories",
  "bot_id",
  "bot_name",
  "bot_greeting",
  "bot_definitions",
  "bot_description",
  "conversation",
] as const;

/** Returns the record, or the reason it is refused. Extra keys are ignored, as PIPPA's own loader does. */
export function checkPippaRecord(value: unknown): PippaRecord | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const record = value as Record<string, unknown>;
  const missing = PIPPA_KEYS.filter((key) => !Object.hasOwn(record, key));
  if (missing.length > 0) return `missing key${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
  const timestamp = parseTimestamp(record.submission_timestamp);
  if (timestamp === null) return "submission_timestamp must be a number of milliseconds";
  const problem = checkFields(record) ?? checkConversation(record.conversation);
  if (problem) return problem;
  const note = dateProblem(timestamp);
  return {
    submission_timestamp: note === null ? timestamp : null,
    ...(note === null ? {} : { timestampNote: `submission_timestamp ${note}; stored as an unknown date` }),
    categories: record.categories as string[] | null,
    bot_id: (record.bot_id as string).trim(),
    bot_name: record.bot_name as string,
    bot_greeting: record.bot_greeting as string,
    bot_definitions: record.bot_definitions as string | null,
    bot_description: record.bot_description as string | null,
    conversation: record.conversation as PippaMessage[],
  };
}

/**
 * PIPPA writes milliseconds as a number; the paper's listing shows a digit string. Anything else
 * (another type, words) refuses the line; a number that is no date is repaired by `dateProblem`.
 */
function parseTimestamp(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d{1,400}$/.test(value)) return Number(value);
  return null;
}

/** Why a number is not a submission date (whole milliseconds from 1970 to Date's end), or null. */
function dateProblem(value: number): string | null {
  const shown = String(value).slice(0, 40);
  if (!Number.isFinite(value)) return `${shown} is not a date`;
  if (!Number.isInteger(value)) return `${shown} is not a whole number of milliseconds`;
  if (value < 0) return `${shown} is before 1970`;
  if (value > MAX_DATE_MS) return `${shown} is after the year 275760, the last date JavaScript can represent`;
  return null;
}

function checkFields(record: Record<string, unknown>): string | null {
  const categories = record.categories;
  if (categories !== null && !(Array.isArray(categories) && categories.every((c) => typeof c === "string"))) {
    return "categories must be a list of strings or null";
  }
  if (typeof record.bot_id !== "string" || record.bot_id.trim() === "")
    return "bot_id must be a non-empty string";
  if (typeof record.bot_name !== "string") return "bot_name must be a string";
  if (record.bot_name.trim() === "") return "bot_name is empty";
  if (typeof record.bot_greeting !== "string") return "bot_greeting must be a string";
  for (const key of ["bot_definitions", "bot_description"] as const) {
    if (record[key] !== null && typeof record[key] !== "string") return `${key} must be a string or null`;
  }
  return null;
}

function checkConversation(conversation: unknown): string | null {
  if (!Array.isArray(conversation)) return "conversation must be a list";
  if (conversation.length === 0) return "conversation is empty";
  for (let i = 0; i < conversation.length; i++) {
    const m = conversation[i] as Record<string, unknown> | null;
    if (typeof m !== "object" || m === null) return `conversation[${i}] must be an object`;
    if (typeof m.message !== "string") return `conversation[${i}].message must be a string`;
    if (typeof m.is_human !== "boolean") return `conversation[${i}].is_human must be true or false`;
  }
  return null;
}

/**
 * Why the character a record builds could not be saved from the editor (a field longer than its
 * limit there), or null. Not a PIPPA rule (the validator does not apply it): an import rule.
 */
export function editorLimitProblem(record: PippaRecord): string | null {
  const fields = [
    ["bot_name", record.bot_name.trim(), "name"],
    ["bot_greeting", record.bot_greeting, "first_mes"],
    ["bot_description", record.bot_description ?? "", "description"],
    ["bot_definitions", record.bot_definitions ?? "", "mes_example"],
  ] as const;
  for (const [key, text, field] of fields) {
    const limit = editorMaxLength(field);
    if (text.length > limit) {
      return `${key} is ${text.length.toLocaleString("en-US")} characters long (limit ${limit.toLocaleString("en-US")}, the editor's for ${field})`;
    }
  }
  return null;
}

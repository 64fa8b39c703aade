/**
 * The character editor's form state and how it becomes a `characters.update` patch: pure functions,
 * so the rules (JSON validation with line and column, which fields changed, where a core error belongs)
 * are tested without a DOM.
 */
import type { CardDataPatch } from "../../../../shared/api/contract";
import type { CharacterRecord } from "../../../../shared/domain/card";
import type { ApiError } from "../../../../shared/errors";
import { findJsonProblem, type JsonProblem, lineColumnAt } from "./jsonProblem";

export const TEXT_FIELDS = [
  "name",
  "description",
  "personality",
  "scenario",
  "first_mes",
  "mes_example",
  "creator_notes",
  "system_prompt",
  "post_history_instructions",
  "creator",
  "character_version",
] as const;

export type TextField = (typeof TEXT_FIELDS)[number];

export type EditorField = TextField | "alternate_greetings" | "tags" | "extensions" | "character_book";

export interface EditorForm extends Record<TextField, string> {
  alternate_greetings: string[];
  /** Comma-separated, as typed. */
  tags: string;
  /** JSON text of an object. */
  extensions: string;
  /** JSON text of an object, or empty for "no character book". */
  character_book: string;
}

export type FieldErrors = Partial<Record<EditorField, string>>;

const asText = (value: unknown): string => (typeof value === "string" ? value : "");

export function formFromRecord(record: CharacterRecord): EditorForm {
  const data = record.data;
  const form = {} as EditorForm;
  for (const field of TEXT_FIELDS) form[field] = asText(data[field]);
  form.alternate_greetings = Array.isArray(data.alternate_greetings)
    ? data.alternate_greetings.map(asText)
    : [];
  form.tags = (Array.isArray(data.tags) ? data.tags : []).join(", ");
  form.extensions = JSON.stringify(data.extensions ?? {}, null, 2);
  form.character_book = data.character_book ? JSON.stringify(data.character_book, null, 2) : "";
  return form;
}

export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of text.split(",")) {
    const tag = raw.trim();
    if (tag === "" || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

/** Parses a JSON object field; `allowEmpty` turns blank text into null (e.g. "no character book"). */
export function parseJsonObject(
  text: string,
  allowEmpty: boolean,
): { ok: true; value: Record<string, unknown> | null } | { ok: false; problem: JsonProblem } {
  if (text.trim() === "") {
    if (allowEmpty) return { ok: true, value: null };
    return { ok: false, problem: { message: "must be a JSON object, e.g. {}", line: 1, column: 1 } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problem = findJsonProblem(text) ?? {
      message: error instanceof Error ? error.message : String(error),
      ...lineColumnAt(text, text.length),
    };
    return { ok: false, problem };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      problem: { message: "must be a JSON object ({ … }), not a list or a value", line: 1, column: 1 },
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function describeJsonProblem(problem: JsonProblem): string {
  return `Invalid JSON at line ${problem.line}, column ${problem.column}: ${problem.message}`;
}

/** Compares JSON values structurally (key order ignored), so re-formatting is not a change. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as never)[k], (b as never)[k]));
}

/**
 * The patch for the fields that changed, or the errors that stop the save (invalid JSON, empty name).
 * Unchanged fields are left out, so a save never rewrites what the user did not touch.
 */
export function buildPatch(
  form: EditorForm,
  record: CharacterRecord,
): { ok: true; patch: CardDataPatch } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const patch: CardDataPatch = {};
  const original = formFromRecord(record);
  for (const field of TEXT_FIELDS) {
    if (form[field] !== original[field]) patch[field] = form[field];
  }
  if (form.name.trim() === "") errors.name = "The name must not be empty.";
  else if (patch.name !== undefined) patch.name = form.name.trim();

  const greetings = form.alternate_greetings;
  if (!sameJson(greetings, original.alternate_greetings)) patch.alternate_greetings = [...greetings];

  const tags = parseTags(form.tags);
  if (!sameJson(tags, parseTags(original.tags))) patch.tags = tags;

  const extensions = parseJsonObject(form.extensions, false);
  if (!extensions.ok) errors.extensions = describeJsonProblem(extensions.problem);
  else if (!sameJson(extensions.value, record.data.extensions ?? {}))
    patch.extensions = extensions.value ?? {};

  const book = parseJsonObject(form.character_book, true);
  if (!book.ok) errors.character_book = describeJsonProblem(book.problem);
  else if (!sameJson(book.value, record.data.character_book ?? null)) patch.character_book = book.value;

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, patch };
}

const KNOWN_FIELDS = new Set<string>([
  ...TEXT_FIELDS,
  "alternate_greetings",
  "tags",
  "extensions",
  "character_book",
]);

/**
 * Places a core error next to its field. INVALID_INPUT messages read
 * "characters.update: data.name: name must not be empty; data.tags.3: …"; `details.field` also works.
 */
export function fieldErrorsFrom(error: ApiError): FieldErrors {
  const errors: FieldErrors = {};
  const detail = error.details?.field;
  if (typeof detail === "string") {
    const field = detail.replace(/^data\./, "").split(".")[0] ?? "";
    if (KNOWN_FIELDS.has(field)) errors[field as EditorField] = error.message;
  }
  if (error.code !== "INVALID_INPUT") return errors;
  for (const part of error.message.replace(/^[\w.]+: (?=data\.)/, "").split("; ")) {
    const match = /^data\.([a-z_]+)[\w.]*: (.+)$/.exec(part.trim());
    const field = match?.[1];
    if (field && match[2] && KNOWN_FIELDS.has(field)) errors[field as EditorField] = match[2];
  }
  return errors;
}

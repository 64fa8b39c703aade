/**
 * How large a card may be. Field lengths are the editor's own (`cardDataPatchSchema`), so every
 * imported card can be edited and saved back; a card over them is refused rather than cut, because
 * cutting would silently lose the author's text. Byte limits bound memory before anything is
 * decoded: the file before it is read, a PNG text chunk before base64, zip entries before inflating.
 */
import { cardDataPatchSchema } from "../../../shared/api/contract";
import { jsonValueProblem } from "../../../shared/api/jsonValue";
import { formatBytes } from "../../../shared/format/bytes";
import { invalid } from "./cardError";
import { MAX_JSON_DEPTH } from "./jsonDepth";

const MB = 1024 * 1024;

export const CARD_LIMITS = {
  /** The card file as a whole (PNG, CHARX or JSON), checked before it is read. */
  fileBytes: 128 * MB,
  /** The card's JSON once decoded (base64 and compression undone). */
  jsonBytes: 16 * MB,
  /** The picture: a PNG card's image, or a CHARX card's icon. */
  avatarBytes: 20 * MB,
  /** One asset (a CHARX file, a PNG `chara-ext-asset_` chunk). */
  assetBytes: 32 * MB,
  /** All assets of one card together, the icon included. */
  totalAssetBytes: 100 * MB,
} as const;

/** Base64 text of `bytes` bytes, plus room for line breaks some writers put in. */
export function base64Length(bytes: number): number {
  const exact = Math.ceil(bytes / 3) * 4;
  return exact + Math.ceil(exact / 64) * 2;
}

/** Refuses (CARD_INVALID) a value larger than its limit, naming it: "asset "x" is 48 MB; the limit is 32 MB". */
export function checkSize(what: string, bytes: number, limit: number, scope = ""): void {
  if (bytes > limit) invalid(`${what} is ${formatBytes(bytes)}; the limit is ${formatBytes(limit)}${scope}`);
}

const EDITOR_FIELDS = Object.keys(cardDataPatchSchema.shape);

type TextField = "name" | "description" | "first_mes" | "mes_example";

/** The editor's longest text for a card field, in characters. */
export function editorMaxLength(field: TextField): number {
  return cardDataPatchSchema.shape[field].unwrap().maxLength ?? Number.POSITIVE_INFINITY;
}
const SHOWN = 3;

/**
 * Refuses a card the editor could not save back, naming each field: longer than the editor allows
 * (with the limit), or a free-form field (`extensions`, `character_book`) JSON cannot store.
 */
export function checkCardFields(data: Record<string, unknown>): void {
  const fields = Object.fromEntries(
    EDITOR_FIELDS.filter((key) => key in data).map((key) => [key, data[key]]),
  );
  const result = cardDataPatchSchema.safeParse(fields);
  if (result.success) {
    checkDataDepth(data);
    return;
  }
  const problems = result.error.issues.map((issue) => {
    const label = issue.path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i > 0 ? `.${String(p)}` : String(p)))
      .join("");
    const value = issue.path.reduce<unknown>(
      (at, key) => (at as Record<PropertyKey, unknown>)?.[key],
      fields,
    );
    if (issue.code !== "too_big") return `${label} ${issue.message}`;
    const limit = Number(issue.maximum).toLocaleString("en-US");
    if (Array.isArray(value))
      return `${label} has ${value.length.toLocaleString("en-US")} entries (limit ${limit})`;
    const length = typeof value === "string" ? value.length.toLocaleString("en-US") : "too many";
    return `${label} is ${length} characters long (limit ${limit})`;
  });
  const more = problems.length > SHOWN ? ` and ${problems.length - SHOWN} more` : "";
  invalid(
    `${problems.slice(0, SHOWN).join("; ")}${more} (the editor's limits: a card over them could not be saved back)`,
  );
}

/**
 * Exports wrap `data` in one more object, so deeper data would export a card no import accepts
 * (found by fuzzing: a V1 card's unknown keys keep their depth, one level short of that).
 */
function checkDataDepth(data: Record<string, unknown>): void {
  const problem = jsonValueProblem(data, MAX_JSON_DEPTH - 1);
  if (problem !== null) invalid(`the card's data ${problem}, too deep for its own export`);
}

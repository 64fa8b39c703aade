import { describeValue, invalid, isRecord } from "./cardError";
import type { Warn } from "./types";

/**
 * In-place repairs of one key of a parsed JSON object. Each repair calls `warn` in plain words;
 * values that cannot be repaired without guessing (an object where a string belongs) are refused,
 * naming the field. `label` is the field's path for messages, e.g. "character_book.entries[0].keys".
 * `quietIfMissing` is for fields a card of that version is not expected to have (V2 fields in V1).
 */
export interface RepairContext {
  obj: Record<string, unknown>;
  key: string;
  label: string;
  warn: Warn;
  quietIfMissing?: boolean;
}

export function repairString({ obj, key, label, warn, quietIfMissing }: RepairContext): void {
  const value = obj[key];
  if (typeof value === "string") return;
  if (value === undefined) {
    if (!quietIfMissing) warn(`${label} was missing; set to ""`);
    obj[key] = "";
  } else if (value === null) {
    warn(`${label} was null; set to ""`);
    obj[key] = "";
  } else if (typeof value === "number" || typeof value === "boolean") {
    warn(`${label} was ${describeValue(value)}; made the string "${String(value)}"`);
    obj[key] = String(value);
  } else {
    invalid(`${label} must be a string, not ${describeValue(value)}`);
  }
}

/**
 * A list of strings. A lone string becomes a list of one, or is split at commas when
 * `splitCommas` (tags, lorebook keys: "a, b" is how people type them).
 */
export function repairStringList(ctx: RepairContext, splitCommas: boolean): void {
  const { obj, key, label, warn } = ctx;
  const value = obj[key];
  if (Array.isArray(value)) {
    obj[key] = repairListItems(value, label, warn);
  } else if (value === undefined) {
    if (!ctx.quietIfMissing) warn(`${label} was missing; set to []`);
    obj[key] = [];
  } else if (value === null) {
    warn(`${label} was null; set to []`);
    obj[key] = [];
  } else if (typeof value === "string") {
    const list = splitCommas
      ? value
          .split(",")
          .map((part) => part.trim())
          .filter((part) => part !== "")
      : value === ""
        ? []
        : [value];
    const how = splitCommas ? "split at commas into a list" : "made a list of one";
    warn(`${label} was a string; ${list.length === 0 ? "it was empty, set to []" : how}`);
    obj[key] = list;
  } else if (typeof value === "number" || typeof value === "boolean") {
    warn(`${label} was ${describeValue(value)}; made a list of one string`);
    obj[key] = [String(value)];
  } else {
    invalid(`${label} must be a list of strings, not ${describeValue(value)}`);
  }
}

function repairListItems(items: unknown[], label: string, warn: Warn): string[] {
  if (items.every((item) => typeof item === "string")) return items;
  const out: string[] = [];
  items.forEach((item, i) => {
    if (typeof item === "string") out.push(item);
    else if (item === null || item === undefined) warn(`${label}[${i}] was null; removed`);
    else if (typeof item === "number" || typeof item === "boolean") {
      warn(`${label}[${i}] was ${describeValue(item)}; made a string`);
      out.push(String(item));
    } else invalid(`${label}[${i}] must be a string, not ${describeValue(item)}`);
  });
  return out;
}

/** `extensions`-like objects: anything that is not a plain object is replaced by {}. */
export function repairObject({ obj, key, label, warn, quietIfMissing }: RepairContext): void {
  const value = obj[key];
  if (isRecord(value)) return;
  if (value === undefined) {
    if (!quietIfMissing) warn(`${label} was missing; set to {}`);
  } else warn(`${label} was ${describeValue(value)}, not an object; replaced by {}`);
  obj[key] = {};
}

export function repairBoolean(ctx: RepairContext, fallback: boolean): void {
  const { obj, key, label, warn } = ctx;
  const value = obj[key];
  if (typeof value === "boolean") return;
  if (value === null) warn(`${label} was null; set to ${fallback}`);
  else if (value === undefined && !ctx.quietIfMissing) warn(`${label} was missing; set to ${fallback}`);
  if (value === null || value === undefined) {
    obj[key] = fallback;
    return;
  }
  const made = value === "false" || value === "0" ? false : Boolean(value);
  warn(`${label} was ${describeValue(value)}; made ${made}`);
  obj[key] = made;
}

export function repairNumber(ctx: RepairContext, fallback: number): void {
  const { obj, key, label, warn } = ctx;
  const value = obj[key];
  if (typeof value === "number" && Number.isFinite(value)) return;
  const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (Number.isFinite(parsed)) {
    warn(`${label} was a string; made the number ${parsed}`);
    obj[key] = parsed;
    return;
  }
  warn(`${label} was ${value === undefined ? "missing" : describeValue(value)}; set to ${fallback}`);
  obj[key] = fallback;
}

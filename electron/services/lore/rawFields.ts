/**
 * Readers for the fields of imported lorebook JSON. They accept what the formats' writers are
 * known to produce (numbers where strings belong, null for "unset", "a, b" for a key list) and
 * refuse anything else with LoreFormatError naming the field, e.g. `entries[3].keys`.
 */
import { describeValue, isRecord } from "../cards/cardError";

export type Raw = Record<string, unknown>;
export type Path = readonly string[];

export class LoreFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "LoreFormatError";
  }
}

export function fail(reason: string): never {
  throw new LoreFormatError(reason);
}

export { describeValue, isRecord };

export function getPath(raw: Raw, path: Path): unknown {
  let value: unknown = raw;
  for (const key of path) {
    if (!isRecord(value)) return undefined;
    value = value[key];
  }
  return value;
}

export function hasPath(raw: Raw, path: Path): boolean {
  let value: unknown = raw;
  for (const key of path) {
    if (!isRecord(value) || !Object.hasOwn(value, key)) return false;
    value = value[key];
  }
  return true;
}

export function setPath(raw: Raw, path: Path, value: unknown): void {
  let target = raw;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (!isRecord(next)) target[key] = {};
    target = target[key] as Raw;
  }
  target[path.at(-1) as string] = value;
}

export function deletePath(raw: Raw, path: Path): void {
  const parent = path.length === 1 ? raw : getPath(raw, path.slice(0, -1));
  if (isRecord(parent)) delete parent[path.at(-1) as string];
}

export function label(base: string, path: Path): string {
  return [base, ...path].filter(Boolean).join(".");
}

export function readString(value: unknown, where: string, fallback = ""): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return fail(`${where} must be text, not ${describeValue(value)}`);
}

export function readStringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") {
    return value
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
  }
  if (!Array.isArray(value)) return fail(`${where} must be a list of keys, not ${describeValue(value)}`);
  return value.flatMap((item, i) => {
    if (typeof item === "string") return [item];
    if (typeof item === "number") return [String(item)];
    if (item === null || item === undefined) return [];
    return fail(`${where}[${i}] must be text, not ${describeValue(item)}`);
  });
}

export function readBoolean(value: unknown, where: string, fallback: boolean): boolean {
  const read = readNullableBoolean(value, where);
  return read ?? fallback;
}

export function readNullableBoolean(value: unknown, where: string): boolean | null {
  if (typeof value === "boolean") return value;
  if (value === undefined || value === null) return null;
  if (value === 0 || value === 1) return value === 1;
  if (value === "true" || value === "false") return value === "true";
  return fail(`${where} must be true or false, not ${describeValue(value)}`);
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function readNullableNumber(value: unknown, where: string, rule: NumberRule = {}): number | null {
  if (value === undefined || value === null || value === "") return null;
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return fail(`${where} must be a number, not ${describeValue(value)}`);
  if (rule.integer && !Number.isInteger(n)) return fail(`${where} must be a whole number, not ${n}`);
  if (rule.min !== undefined && n < rule.min) return fail(`${where} must be at least ${rule.min}, not ${n}`);
  if (rule.max !== undefined && n > rule.max) return fail(`${where} must be at most ${rule.max}, not ${n}`);
  return n;
}

export function readNumber(value: unknown, where: string, fallback: number, rule: NumberRule = {}): number {
  return readNullableNumber(value, where, rule) ?? fallback;
}

export function readObject(value: unknown, where: string): Raw {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return fail(`${where} must be an object, not ${describeValue(value)}`);
  return value;
}

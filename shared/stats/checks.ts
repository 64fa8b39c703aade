/** Input checks shared by the statistics: a bad value is an INVALID_INPUT error naming the field. */
import { MasqueError } from "../errors";

export function invalid(field: string, problem: string): MasqueError {
  return new MasqueError("INVALID_INPUT", `${field}: ${problem}`, { field });
}

export function requireFinite(field: string, value: number): void {
  if (!Number.isFinite(value)) throw invalid(field, `expected a finite number, got ${value}`);
}

export function requireInteger(field: string, value: number, min = Number.MIN_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalid(
      field,
      `expected an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ""}, got ${value}`,
    );
  }
}

export function requireFiniteValues(field: string, values: readonly number[]): void {
  values.forEach((v, i) => {
    requireFinite(`${field}[${i}]`, v);
  });
}

export function requireNonEmpty(field: string, values: readonly unknown[]): void {
  if (values.length === 0) throw invalid(field, "expected at least one value");
}

/** A two-sided confidence level such as 0.95. */
export function requireLevel(field: string, level: number): void {
  if (!(level > 0 && level < 1)) throw invalid(field, `expected a level between 0 and 1, got ${level}`);
}

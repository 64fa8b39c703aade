/**
 * Thrown by the codec modules with a bare reason; `parseCardFile` turns it into
 * MasqueError("CARD_INVALID", "<fileName>: <reason>").
 */
export class CardFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "CardFormatError";
  }
}

export function invalid(reason: string): never {
  throw new CardFormatError(reason);
}

/** Short description of a JSON value's type for error and warning messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

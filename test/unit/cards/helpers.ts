import { expect } from "vitest";
import { MasqueError } from "../../../shared/errors";

/** Runs `fn` and asserts a CARD_INVALID MasqueError whose message matches `reason`. */
export function expectCardInvalid(fn: () => unknown, reason: RegExp): MasqueError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MasqueError);
  const error = caught as MasqueError;
  expect(error.code).toBe("CARD_INVALID");
  expect(error.message).toMatch(reason);
  return error;
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function jsonOf(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes));
}

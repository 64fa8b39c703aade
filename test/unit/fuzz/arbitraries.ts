/**
 * Generators shared by the fuzz tests: awkward JSON values, JSON values mutated from a valid
 * example (a node replaced, deleted, wrapped, an unknown key added…) and byte strings mutated from
 * a valid file (bits flipped, ranges cut, duplicated or overwritten, the end cut off).
 */
import fc from "fast-check";
import { expect } from "vitest";
import { MasqueError } from "../../../shared/errors";

/** A generous hang detector, not a timing assertion: one case that takes this long is stuck. */
export const HANG_MS = 10_000;

/** Strings that break naive code: control characters, lone surrogates, RTL, huge, placeholders. */
export const awkwardString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\uD800",
    "\uDC00x",
    "\u202Eevil",
    "\r\n\r",
    "{{user}}",
    "{{char}}",
    "END_OF_DIALOG",
    "<START>",
    "../../etc/passwd",
    "C:\\x",
    "embeded://../x",
    "1e308",
    "9999999999999999999",
    "null",
    "__proto__",
    "constructor",
  ),
  fc.integer({ min: 1, max: 4 }).map((n) => "x".repeat(10 ** n * 6)),
);

/** Numbers at the edges: huge, tiny, negative zero, beyond 2^53, fractions. */
export const awkwardNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, -1, 1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324),
);

/** JSON values with awkward leaves, plus nesting deep enough to trip recursive code. */
export const awkwardJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: awkwardString },
  { weight: 2, arbitrary: awkwardNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { "": null }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 150 }).map(nest) },
);

export function nest(levels: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

type Op = "replace" | "delete" | "wrap" | "insert" | "stringify";
const OPS: Op[] = ["replace", "delete", "wrap", "insert", "stringify"];

/** `base` with one to four random edits at random places. */
export function mutatedJson(base: unknown, leaf: fc.Arbitrary<unknown> = awkwardJson): fc.Arbitrary<unknown> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom(...OPS), leaf);
  return fc
    .array(edit, { minLength: 1, maxLength: 4 })
    .map((edits) => edits.reduce((value, [at, op, x]) => applyEdit(value, at, op, x), structuredClone(base)));
}

type Path = (string | number)[];

/** A node as JSON text; values JSON cannot write (BigInt, too deep) become a marker string. */
function safeStringify(node: unknown): string {
  try {
    return JSON.stringify(node) ?? "undefined";
  } catch {
    return "unserializable";
  }
}

/** Every node's path, down to a depth where edits stop being interesting (deep nests are leaves). */
function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (at.length >= 8 || !isPlainContainer(value)) return out;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? [...value.entries()]
    : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) paths(v, [...at, k], out);
  return out;
}

function isPlainContainer(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Values too deep to clone (structuredClone recurses); each is made fresh, so sharing is no risk. */
const UNCLONABLE = new WeakSet<object>();

/** `levels` of alternating objects and arrays, made fresh and never cloned. */
export function deepNest(levels: number): unknown {
  const value = nest(levels) as object;
  UNCLONABLE.add(value);
  // fast-check prints counterexamples recursively: give it a short name instead (not enumerable,
  // so the code under test never sees it).
  Object.defineProperty(value, fc.toStringMethod, { value: () => `deepNest(${levels})`, enumerable: false });
  return value;
}

function applyEdit(root: unknown, at: number, op: Op, leaf: unknown): unknown {
  // Generated values can be shared instances (constants): copy before building them in.
  const x = typeof leaf === "object" && leaf !== null && UNCLONABLE.has(leaf) ? leaf : structuredClone(leaf);
  const all = paths(root);
  const path = all[at % all.length] as Path;
  const node = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
  const make = (): unknown => {
    switch (op) {
      case "replace":
        return x;
      case "wrap":
        return typeof x === "string" ? { [x]: node } : [node];
      case "stringify":
        return safeStringify(node);
      case "insert":
        if (Array.isArray(node)) return [...node, x];
        if (typeof node === "object" && node !== null) return { ...node, [`k${at % 7}`]: x };
        return x;
      case "delete":
        return undefined;
    }
  };
  if (path.length === 0) return op === "delete" ? {} : make();
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
  const key = path[path.length - 1] as string | number;
  if (op === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, unknown>)[key];
  } else (parent as Record<string | number, unknown>)[key] = make();
  return root;
}

type ByteOp = "flip" | "set" | "cut" | "duplicate" | "insert" | "truncate";
const BYTE_OPS: ByteOp[] = ["flip", "set", "cut", "duplicate", "insert", "truncate"];

/** `base` with one to five byte-level edits. */
export function mutatedBytes(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(
    fc.constantFrom(...BYTE_OPS),
    fc.nat(),
    fc.nat({ max: 64 }),
    fc.uint8Array({ maxLength: 16 }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 5 }).map((edits) => {
    let bytes: Buffer = Buffer.from(base);
    for (const [op, at, length, data] of edits) bytes = applyByteEdit(bytes, op, at, length, data);
    return new Uint8Array(bytes);
  });
}

function applyByteEdit(bytes: Buffer, op: ByteOp, at: number, length: number, data: Uint8Array): Buffer {
  if (bytes.length === 0) return op === "insert" ? Buffer.from(data) : bytes;
  const i = at % bytes.length;
  switch (op) {
    case "flip":
      bytes[i] = (bytes[i] as number) ^ (1 << (length % 8));
      return bytes;
    case "set":
      bytes[i] = data[0] ?? length;
      return bytes;
    case "cut":
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + length)]);
    case "duplicate":
      return Buffer.concat([bytes.subarray(0, i + length), bytes.subarray(i)]);
    case "insert":
      return Buffer.concat([bytes.subarray(0, i), data, bytes.subarray(i)]);
    case "truncate":
      return bytes.subarray(0, i);
  }
}

/**
 * Runs `fn` (a codec call) and accepts only a result or a MasqueError with one of `codes`: any
 * other exception is a crash. Returns the result, or undefined when it was refused.
 */
export function namedOutcome<T>(fn: () => T, codes: readonly string[]): T | undefined {
  const started = performance.now();
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof MasqueError)) throw error;
    expect(codes).toContain(error.code);
    expect(error.message.length).toBeGreaterThan(0);
    return undefined;
  } finally {
    expect(performance.now() - started).toBeLessThan(HANG_MS);
  }
}

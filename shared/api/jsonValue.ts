/**
 * Free-form JSON fields of the contract (a card's `extensions` and `character_book`) are stored as
 * JSON text. Electron's structured clone also carries values JSON cannot hold (BigInt, Map, cycles)
 * and any depth, which would make storing them throw; this says what is wrong before that happens.
 */

/** A card file nests two levels above its data fields, and imports refuse JSON deeper than 100. */
export const MAX_FIELD_DEPTH = 98;
/** Values visited at most: shared references could otherwise make a small object a huge JSON text. */
const MAX_NODES = 1_000_000;

/** Why `value` cannot be stored as JSON (too deep, or a value JSON has no form for), or null. */
export function jsonValueProblem(value: unknown, maxDepth = MAX_FIELD_DEPTH): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    if (++nodes > MAX_NODES) return `holds more than ${MAX_NODES.toLocaleString("en-US")} values`;
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || item === undefined || typeof item === "string" || typeof item === "boolean")
      continue;
    if (typeof item === "number") {
      if (!Number.isFinite(item)) return `holds ${item}, which JSON cannot carry`;
      continue;
    }
    if (typeof item !== "object") return `holds a ${typeof item}, which JSON cannot carry`;
    const proto = Object.getPrototypeOf(item);
    if (!Array.isArray(item) && proto !== Object.prototype && proto !== null) {
      return `holds a ${item.constructor?.name ?? "non-plain object"}, which JSON cannot carry`;
    }
    if (depth + 1 > maxDepth) return `is nested deeper than ${maxDepth} levels`;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return null;
}

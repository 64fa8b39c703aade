/**
 * How deeply a JSON text nests its arrays and objects, found without parsing it. Deep nesting
 * overflows the stack of whatever walks the value later (a structured clone, `JSON.stringify`,
 * a deep comparison), so every JSON input is measured first and refused beyond MAX_JSON_DEPTH.
 * Strings are skipped with `indexOf`, so the cost is per token, not per character.
 */

/** No card, PIPPA line or chat message needs more; SillyTavern's deepest extensions use about 6. */
export const MAX_JSON_DEPTH = 100;

export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
      if (i === -1) return max;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
    i++;
  }
  return max;
}

/** The index after the closing quote of the string opening at `open`, or -1 when it never closes. */
function stringEnd(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return -1;
    let backslashes = 0;
    for (let k = quote - 1; k > open && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Why a JSON text is refused for its nesting, or null. */
export function nestingProblem(text: string, limit = MAX_JSON_DEPTH): string | null {
  const depth = jsonNestingDepth(text);
  return depth > limit
    ? `JSON nested ${depth.toLocaleString("en-US")} levels deep (the limit is ${limit})`
    : null;
}

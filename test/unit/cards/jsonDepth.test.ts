import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonNestingDepth, nestingProblem } from "../../../electron/services/cards/jsonDepth";
import { fuzzOptions } from "../fuzz/runs";

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === "object" && value !== null)
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe("jsonNestingDepth", () => {
  it.each([
    ["", 0],
    ["12", 0],
    ["[]", 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['"[[[["', 0],
    ['["\\"[[["]', 1],
    ['["\\\\"]', 1],
    ['["\\\\\\"[[", "]]"]', 1],
    ['[[{"unterminated', 3],
    [" [ [ ] , [ [ ] ] ] ", 3],
  ])("%j nests %i deep", (text, depth) => {
    expect(jsonNestingDepth(text)).toBe(depth);
  });

  it("agrees with the parsed value's depth for any JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (value) => {
        expect(jsonNestingDepth(JSON.stringify(value))).toBe(depthOf(value));
        expect(jsonNestingDepth(JSON.stringify(value, null, 2))).toBe(depthOf(value));
      }),
      fuzzOptions(300),
    );
  });

  it("names the depth and the limit when the text is too deep", () => {
    expect(nestingProblem("[[[]]]", 3)).toBeNull();
    expect(nestingProblem("[[[[]]]]", 3)).toBe("JSON nested 4 levels deep (the limit is 3)");
  });
});

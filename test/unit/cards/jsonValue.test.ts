import { describe, expect, it } from "vitest";
import { jsonValueProblem } from "../../../shared/api/jsonValue";

function nested(levels: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe("jsonValueProblem (free-form card fields)", () => {
  it("accepts plain JSON values up to the depth limit", () => {
    expect(jsonValueProblem({ a: [1, "x", null, true, { b: undefined }] })).toBeNull();
    expect(jsonValueProblem({ deep: nested(97) })).toBeNull();
    expect(jsonValueProblem(Object.create(null))).toBeNull();
  });

  it("names what it refuses: depth, cycles, values JSON cannot carry, sheer size", () => {
    expect(jsonValueProblem({ deep: nested(98) })).toBe("is nested deeper than 98 levels");
    expect(jsonValueProblem({ deep: nested(200_000) })).toBe("is nested deeper than 98 levels");
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(jsonValueProblem(loop)).toBe("is nested deeper than 98 levels");
    expect(jsonValueProblem({ n: 10n })).toBe("holds a bigint, which JSON cannot carry");
    expect(jsonValueProblem({ n: Number.NaN })).toBe("holds NaN, which JSON cannot carry");
    expect(jsonValueProblem({ m: new Map() })).toBe("holds a Map, which JSON cannot carry");
    expect(jsonValueProblem({ d: new Date(0) })).toBe("holds a Date, which JSON cannot carry");
    // Shared references: 2^25 paths through 25 small objects.
    let dag: unknown = 1;
    for (let i = 0; i < 25; i++) dag = { a: dag, b: dag };
    expect(jsonValueProblem(dag)).toBe("holds more than 1,000,000 values");
  });
});

import { describe, expect, it } from "vitest";
import { mergeOverlap } from "../../renderer/src/state/streams";

describe("mergeOverlap", () => {
  it("counts text present in both the snapshot and the deltas once", () => {
    expect(mergeOverlap("Hello, wor", "world!")).toBe("Hello, world!");
  });

  it("keeps the snapshot when the deltas are already inside it", () => {
    expect(mergeOverlap("Hello, world", "world")).toBe("Hello, world");
  });

  it("concatenates when nothing overlaps", () => {
    expect(mergeOverlap("Hello", ", there")).toBe("Hello, there");
    expect(mergeOverlap("", "abc")).toBe("abc");
  });
});

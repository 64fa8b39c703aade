import { describe, expect, it } from "vitest";
import { scrollTopFor, virtualRange } from "../../renderer/src/ui/virtualRange";

describe("virtualRange", () => {
  it("renders the visible rows plus the overscan, clamped to the list", () => {
    expect(virtualRange(0, 560, 56, 1500, 8)).toEqual({ start: 0, end: 19 });
    expect(virtualRange(56 * 100, 560, 56, 1500, 8)).toEqual({ start: 92, end: 119 });
  });

  it("keeps the rendered window small whatever the list length", () => {
    const { start, end } = virtualRange(56 * 700 + 13, 800, 56, 100_000, 8);
    expect(end - start).toBeLessThan(40);
    expect(start).toBe(692);
  });

  it("ends at the last row when scrolled to the bottom", () => {
    const count = 1500;
    const range = virtualRange(count * 56 - 560, 560, 56, count, 8);
    expect(range.end).toBe(count);
    expect(range.start).toBeGreaterThan(1400);
  });

  it("copes with empty lists, an unmeasured viewport and a scroll position past the end", () => {
    expect(virtualRange(0, 560, 56, 0, 8)).toEqual({ start: 0, end: 0 });
    expect(virtualRange(0, 0, 56, 50, 8)).toEqual({ start: 0, end: 9 });
    expect(virtualRange(1_000_000, 560, 56, 20, 8)).toEqual({ start: 11, end: 20 });
  });
});

describe("scrollTopFor", () => {
  it("scrolls only as far as needed to show a row", () => {
    expect(scrollTopFor(5, 0, 560, 56)).toBeNull();
    expect(scrollTopFor(10, 0, 560, 56)).toBe(56 * 11 - 560);
    expect(scrollTopFor(2, 560, 560, 56)).toBe(112);
  });
});

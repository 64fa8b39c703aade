import { describe, expect, it } from "vitest";
import { formatBytes } from "../../renderer/src/ui/formatBytes";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [512 * 1024, "512 KB"],
    [1024 * 1024 - 1, "1.0 MB"],
    [12.34 * 1024 ** 2, "12.3 MB"],
    [1.234 * 1024 ** 3, "1.2 GB"],
    [3 * 1024 ** 5, "3072 TB"],
  ])("%d bytes is %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("shows nonsense as 0 B rather than NaN", () => {
    expect(formatBytes(Number.NaN)).toBe("0 B");
    expect(formatBytes(-5)).toBe("0 B");
  });
});

import { describe, expect, it } from "vitest";
import { formatBytes } from "../../../shared/format/bytes";

describe("formatBytes (the one Node-side formatter)", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [5000, "5000 bytes"],
    [10 * 1024 - 1, "10239 bytes"],
    [10 * 1024, "10 KB"],
    [12.5 * 1024, "12.5 KB"],
    [200 * 1024 ** 2, "200 MB"],
    [1.25 * 1024 ** 3, "1.3 GB"],
    [5 * 1024 ** 4, "5 TB"],
    [3 * 1024 ** 5, "3 PB"],
    [3 * 1024 ** 6, "3072 PB"],
  ])("%d bytes read %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

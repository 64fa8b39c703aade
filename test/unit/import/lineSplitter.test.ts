import { describe, expect, it } from "vitest";
import { LineSplitter } from "../../../electron/services/import/lineReader";

function split(chunks: string[]): { text: string; number: number; bytesDone: number }[] {
  const splitter = new LineSplitter();
  const out = [];
  for (const c of chunks) out.push(...splitter.push(Buffer.from(c, "latin1")));
  out.push(...splitter.end());
  return out;
}

describe("LineSplitter", () => {
  it.each([
    [["a\nb\n"], ["a", "b"]],
    [["a\r\nb\r\n"], ["a", "b"]],
    [["a\rb\rc"], ["a", "b", "c"]],
    [
      ["a\r", "\nb"],
      ["a", "b"],
    ],
    [
      ["a\r", "b\n"],
      ["a", "b"],
    ],
    [["a\n\nb"], ["a", "", "b"]],
    [
      ["ab", "cd\ne", "f"],
      ["abcd", "ef"],
    ],
    [["\xef\xbb\xbfa\nb"], ["a", "b"]],
    [["a\r\n\r\nb"], ["a", "", "b"]],
  ])("%j -> %j", (chunks, lines) => {
    expect(split(chunks).map((l) => l.text)).toEqual(lines);
  });

  it("numbers lines and counts bytes consumed, BOM included", () => {
    const lines = split(["\xef\xbb\xbfab\r\n", "c\n"]);
    expect(lines).toEqual([
      { number: 1, text: "ab", bytesDone: 7 },
      { number: 2, text: "c", bytesDone: 9 },
    ]);
  });
});

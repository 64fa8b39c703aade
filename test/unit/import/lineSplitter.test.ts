import { describe, expect, it } from "vitest";
import { type Line, LineSplitter } from "../../../electron/services/import/lineReader";

function split(chunks: string[]): Line[] {
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
      { number: 1, text: "ab", bytesDone: 7, invalidUtf8: false },
      { number: 2, text: "c", bytesDone: 9, invalidUtf8: false },
    ]);
  });

  it("marks lines whose bytes are not UTF-8, also when a character is split across chunks", () => {
    const lines = split(["ok\n", "bad \xff\xfe\n", "caf\xc3", "\xa9\n", "cut \xc3\n", "end \xe2\x82"]);
    expect(lines.map((l) => [l.text, l.invalidUtf8])).toEqual([
      ["ok", false],
      ["bad \uFFFD\uFFFD", true],
      ["café", false],
      ["cut \uFFFD", true],
      ["end \uFFFD", true],
    ]);
  });
});

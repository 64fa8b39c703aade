import { describe, expect, it } from "vitest";
import { createSseParser, type SseFrame } from "../../renderer/src/bridge/sse";

function parseAll(chunks: string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = createSseParser((frame) => frames.push(frame));
  for (const chunk of chunks) parser.push(chunk);
  return frames;
}

describe("createSseParser", () => {
  it("parses named events and ignores keep-alive comments", () => {
    const frames = parseAll([
      ": keep-alive\n\n",
      'event: generation.delta\ndata: {"text":"Hi"}\n\n',
      ":ping\n",
      'event: model.status\ndata: {"state":"loaded"}\n\n',
    ]);
    expect(frames).toEqual([
      { event: "generation.delta", data: '{"text":"Hi"}' },
      { event: "model.status", data: '{"state":"loaded"}' },
    ]);
  });

  it("reassembles frames split across chunks, including a CRLF split in two", () => {
    const frames = parseAll(["event: gen", "eration.done\r", '\ndata: {"a"', ":1}\r\n\r", "\n"]);
    expect(frames).toEqual([{ event: "generation.done", data: '{"a":1}' }]);
  });

  it("joins multi-line data with newlines and defaults the event name", () => {
    expect(parseAll(["data: one\ndata: two\n\n"])).toEqual([{ event: "message", data: "one\ntwo" }]);
  });

  it("does not dispatch frames without data, nor an unfinished frame", () => {
    expect(parseAll(["event: x\n\n", "event: y\ndata: 1\n"])).toEqual([]);
  });
});

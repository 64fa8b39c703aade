import { describe, expect, it } from "vitest";
import {
  blockLabel,
  cacheLine,
  kindLabel,
  kindTotals,
  promptSegments,
} from "../../renderer/src/features/chat/promptBar";
import type { PromptReport } from "../../shared/api/contract";

const block = (kind: string, tokens: number, messageId: number | null = null) => ({
  kind,
  tokens,
  messageId,
  text: kind,
});

const blocks: PromptReport["blocks"] = [
  block("system", 20),
  block("persona", 30),
  block("example", 10),
  block("example", 10),
  block("message", 15, 1),
  block("message", 25, 2),
  block("reply-prefix", 2),
];

describe("promptSegments", () => {
  it("merges neighbouring blocks of a kind and adds the reply reserve and the free rest", () => {
    const segments = promptSegments({ blocks, contextSize: 1000, maxReplyTokens: 100, promptTokens: 112 });
    expect(segments.map((s) => [s.kind, s.tokens, s.blocks])).toEqual([
      ["system", 20, 1],
      ["persona", 30, 1],
      ["example", 20, 2],
      ["message", 40, 2],
      ["reply-prefix", 2, 1],
      ["reply", 100, 0],
      ["free", 788, 0],
    ]);
    expect(segments.reduce((sum, s) => sum + s.percent, 0)).toBeCloseTo(100);
    expect(segments[0]?.percent).toBeCloseTo(2);
  });

  it("never shows negative free space, and scales to the total when the context is unknown", () => {
    const segments = promptSegments({ blocks, contextSize: 0, maxReplyTokens: 8, promptTokens: 112 });
    expect(segments.some((s) => s.kind === "free")).toBe(false);
    expect(segments.reduce((sum, s) => sum + s.percent, 0)).toBeCloseTo(100);
    expect(promptSegments({ blocks: [], contextSize: 0, maxReplyTokens: 0, promptTokens: 0 })).toEqual([]);
  });
});

describe("kindTotals and labels", () => {
  it("sums tokens per kind in order of first appearance", () => {
    expect(kindTotals(blocks)).toEqual([
      { kind: "system", tokens: 20, blocks: 1 },
      { kind: "persona", tokens: 30, blocks: 1 },
      { kind: "example", tokens: 20, blocks: 2 },
      { kind: "message", tokens: 40, blocks: 2 },
      { kind: "reply-prefix", tokens: 2, blocks: 1 },
    ]);
  });

  it("names known kinds and shows unknown ones as they are", () => {
    expect(kindLabel("user-persona")).toBe("Your persona");
    expect(kindLabel("something-new")).toBe("something-new");
    expect(blockLabel("message")).toBe("Message");
    expect(blockLabel("persona")).toBe("Character");
  });
});

describe("cacheLine", () => {
  it("says how much of the last reply's prompt came from the cache", () => {
    const line = cacheLine({ messageId: 4, promptTokens: 300, evaluatedTokens: 40, reusedTokens: 260 });
    expect(line).toMatch(/^Last reply: 260 tokens reused from cache, 40 evaluated/);
    expect(cacheLine(null)).toMatch(/No reply/);
  });
});

import { describe, expect, it } from "vitest";
import { MasqueError } from "../../../shared/errors";
import {
  type AssembleInput,
  assemblePrompt,
  firstKeptIndex,
  type PromptMessage,
} from "../../../shared/prompt/assemble";
import { applyMacros } from "../../../shared/prompt/macros";
import { CHATML, PYGMALION } from "../../../shared/prompt/template";

// One token per word keeps the tables below easy to check by hand.
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(" ");

function input(history: PromptMessage[], overrides: Partial<AssembleInput> = {}): AssembleInput {
  return {
    character: {
      name: "Aria",
      description: words(20, "d"),
      personality: "",
      scenario: "",
      mes_example: `<START>\n{{char}}: ${words(30, "a")}\n<START>\n{{char}}: ${words(30, "b")}`,
    },
    userName: "Sam",
    history,
    template: PYGMALION,
    contextSize: 1000,
    maxReplyTokens: 100,
    countTokens: countWords,
    evictionChunk: 4,
    ...overrides,
  };
}

const turns = (n: number, size = 10): PromptMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    role: i % 2 === 0 ? "character" : "user",
    text: words(size, `m${i}_`),
  }));

const kinds = (p: ReturnType<typeof assemblePrompt>) => p.blocks.map((b) => b.kind);
const keptIds = (p: ReturnType<typeof assemblePrompt>) =>
  p.blocks.filter((b) => b.kind === "message").map((b) => b.messageId);

describe("budget: order of sacrifice", () => {
  it.each([
    // [case, history, context, reply, expected examples kept, expected first kept message]
    ["everything fits", turns(6), 1000, 100, 2, 1],
    ["examples go first (one of two here), the chat stays whole", turns(20), 400, 100, 1, 1],
    ["one example can stay", turns(6), 200, 50, 1, 1],
    ["then the oldest turns go, in chunks of 4", turns(40), 400, 100, 0, 17],
    ["a tiny context keeps only the last turns that fit", turns(40), 120, 60, 0, 38],
  ] as const)("%s", (_name, history, contextSize, maxReplyTokens, examples, firstKept) => {
    const prompt = assemblePrompt(input([...history], { contextSize, maxReplyTokens }));
    expect(prompt.blocks.filter((b) => b.kind === "example")).toHaveLength(examples);
    expect(keptIds(prompt)[0]).toBe(firstKept);
    expect(keptIds(prompt).at(-1)).toBe(history.length);
    expect(prompt.promptTokens).toBeLessThanOrEqual(contextSize - maxReplyTokens);
    expect(kinds(prompt)).toContain("persona");
    const droppedMessages = prompt.dropped.filter((d) => d.kind === "message");
    expect(droppedMessages.length % 4 === 0 || firstKept > history.length - 4).toBe(true);
    if (droppedMessages.length > 0)
      expect(prompt.dropped.filter((d) => d.kind === "example")).toHaveLength(2);
  });

  it("keeps examples in keep mode and drops turns instead", () => {
    const prompt = assemblePrompt(input(turns(40), { contextSize: 400, examplesMode: "keep" }));
    expect(prompt.blocks.filter((b) => b.kind === "example")).toHaveLength(2);
    expect(prompt.dropped.every((d) => d.kind === "message")).toBe(true);
  });

  it("never sends examples in strip mode", () => {
    const prompt = assemblePrompt(input(turns(2), { examplesMode: "strip" }));
    expect(kinds(prompt)).not.toContain("example");
    expect(prompt.dropped).toEqual([]);
  });

  it("keeps the same first message while the chat grows within a chunk (stable prefix)", () => {
    const firsts = [30, 31, 32, 33].map(
      (n) => keptIds(assemblePrompt(input(turns(n), { contextSize: 400 })))[0],
    );
    expect(new Set(firsts).size).toBe(1);
  });

  it("refuses with CONTEXT_OVERFLOW and the numbers when persona and last message cannot fit", () => {
    const huge: PromptMessage = { id: 9, role: "user", text: words(500, "w") };
    try {
      assemblePrompt(input([huge], { contextSize: 300, maxReplyTokens: 100 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MasqueError);
      expect((error as MasqueError).code).toBe("CONTEXT_OVERFLOW");
      expect((error as MasqueError).details).toMatchObject({ budget: 200, contextSize: 300 });
      expect((error as MasqueError).message).toMatch(/the last message \(50\d tokens\)/);
    }
  });

  it("never drops the system prompt, persona, user persona or post-history instructions", () => {
    const prompt = assemblePrompt(
      input(turns(60), {
        template: CHATML,
        contextSize: 300,
        userPersona: "Sam fixes engines.",
        character: {
          name: "Aria",
          description: words(20, "d"),
          personality: "",
          scenario: "",
          post_history_instructions: "Be brief.",
        },
      }),
    );
    for (const kind of ["system", "persona", "user-persona", "post-history", "reply-prefix"] as const) {
      expect(kinds(prompt)).toContain(kind);
    }
  });
});

describe("firstKeptIndex", () => {
  it.each([
    { tokens: [10, 10, 10, 10], budget: 100, chunk: 2, expected: 0 },
    { tokens: [10, 10, 10, 10], budget: 25, chunk: 2, expected: 2 },
    { tokens: [10, 10, 10, 10], budget: 15, chunk: 2, expected: 3 },
    { tokens: [50, 10, 10, 10, 10], budget: 40, chunk: 4, expected: 4 },
    { tokens: [10, 10], budget: 5, chunk: 4, expected: 2 },
    { tokens: [], budget: 5, chunk: 4, expected: 0 },
  ])("tokens $tokens budget $budget chunk $chunk -> $expected", ({ tokens, budget, chunk, expected }) => {
    expect(firstKeptIndex(tokens, budget, chunk)).toBe(expected);
  });
});

describe("applyMacros", () => {
  it.each([
    ["{{char}} meets {{user}}", "Aria meets Sam"],
    ["{{CHAR}} and {{User}}", "Aria and Sam"],
    ["{{random_user_3}} waves", "Sam waves"],
    ["<USER> and <BOT>", "Sam and Aria"],
    ["{{ char }}", "Aria"],
    ["{{unknown}} stays", "{{unknown}} stays"],
  ])("%s -> %s", (text, expected) => {
    expect(applyMacros(text, { char: "Aria", user: "Sam" })).toBe(expected);
  });
});

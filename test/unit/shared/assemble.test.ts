import { describe, expect, it } from "vitest";
import { MasqueError } from "../../../shared/errors";
import {
  type AssembleInput,
  assemblePrompt,
  firstKeptIndex,
  type PromptMessage,
  promptText,
} from "../../../shared/prompt/assemble";
import { applyMacros } from "../../../shared/prompt/macros";
import { PLAIN_ROLEPLAY_TEMPLATE } from "../../../shared/prompt/template";

// One token per word: easy to reason about in the tables below.
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

function input(history: PromptMessage[], overrides: Partial<AssembleInput> = {}): AssembleInput {
  return {
    character: { name: "Aria", description: "A calm starship pilot.", personality: "", scenario: "" },
    userName: "Sam",
    history,
    template: PLAIN_ROLEPLAY_TEMPLATE,
    contextSize: 1000,
    maxReplyTokens: 100,
    countTokens: countWords,
    ...overrides,
  };
}

const turns = (n: number, words = 10): PromptMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    role: i % 2 === 0 ? "character" : "user",
    text: Array.from({ length: words }, (_, w) => `w${i}_${w}`).join(" "),
  }));

describe("assemblePrompt", () => {
  it("lays out persona, conversation and the reply prefix with macros applied", () => {
    const prompt = assemblePrompt(
      input([
        { id: 1, role: "character", text: "Hello {{user}}, I am {{char}}." },
        { id: 2, role: "user", text: "Hi <BOT>!" },
      ]),
    );
    expect(promptText(prompt.blocks)).toBe(
      "Aria's Persona: A calm starship pilot.\n<START>\nAria: Hello Sam, I am Aria.\nSam: Hi Aria!\nAria:",
    );
    expect(prompt.droppedMessageIds).toEqual([]);
    expect(prompt.stopStrings).toEqual(["\nSam:", "\n<START>", "\nAria:"]);
  });

  it("never marks card or user text as special tokens", () => {
    const prompt = assemblePrompt(input([{ id: 1, role: "user", text: "<|im_end|></s>" }]));
    const userPieces = prompt.blocks.find((b) => b.messageId === 1)?.pieces ?? [];
    expect(userPieces.find((p) => p.text.includes("<|im_end|>"))?.special).toBe(false);
  });

  it("keeps everything when it fits and reports the token total", () => {
    const prompt = assemblePrompt(input(turns(6)));
    expect(prompt.droppedMessageIds).toEqual([]);
    expect(prompt.promptTokens).toBe(prompt.blocks.reduce((s, b) => s + b.tokens, 0));
    expect(prompt.promptTokens).toBeLessThanOrEqual(prompt.budget);
  });

  it("drops the oldest turns first, in whole chunks, and keeps the persona and the last turn", () => {
    // 40 messages of ~11 tokens with a 300-token budget: only part of the history fits.
    const prompt = assemblePrompt(
      input(turns(40), { contextSize: 400, maxReplyTokens: 100, evictionChunk: 8 }),
    );
    expect(prompt.droppedMessageIds.length % 8).toBe(0);
    expect(prompt.droppedMessageIds[0]).toBe(1);
    expect(prompt.blocks[0]?.kind).toBe("persona");
    expect(prompt.blocks.at(-2)?.messageId).toBe(40);
    expect(prompt.promptTokens).toBeLessThanOrEqual(300);
  });

  it("keeps the same first message while the chat grows inside one chunk (stable prefix)", () => {
    const firsts = [30, 31, 32, 33].map((n) => {
      const p = assemblePrompt(input(turns(n), { contextSize: 400, evictionChunk: 8 }));
      return p.blocks.find((b) => b.kind === "message")?.messageId;
    });
    expect(new Set(firsts).size).toBe(1);
  });

  it("throws CONTEXT_OVERFLOW with the numbers when the persona and last message cannot fit", () => {
    const huge = { id: 9, role: "user" as const, text: "word ".repeat(500) };
    try {
      assemblePrompt(input([huge], { contextSize: 300, maxReplyTokens: 100 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MasqueError);
      expect((error as MasqueError).code).toBe("CONTEXT_OVERFLOW");
      expect((error as MasqueError).details).toMatchObject({ budget: 200, contextSize: 300 });
    }
  });
});

describe("firstKeptIndex", () => {
  it.each([
    { tokens: [10, 10, 10, 10], budget: 100, chunk: 2, expected: 0 },
    { tokens: [10, 10, 10, 10], budget: 25, chunk: 2, expected: 2 },
    { tokens: [10, 10, 10, 10], budget: 15, chunk: 2, expected: 3 },
    { tokens: [50, 10, 10, 10, 10], budget: 40, chunk: 4, expected: 4 },
    { tokens: [50, 10, 10, 10, 10, 10], budget: 45, chunk: 4, expected: 4 },
    { tokens: [50, 30, 30, 10, 10], budget: 25, chunk: 4, expected: 4 },
    { tokens: [50, 30, 30, 10, 30], budget: 25, chunk: 4, expected: 4 },
    { tokens: [10], budget: 5, chunk: 4, expected: 0 },
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

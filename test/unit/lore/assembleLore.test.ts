/** assemblePrompt with lore, note and persona blocks (the fields phase 2 passes in). */
import { describe, expect, it } from "vitest";
import {
  type AssembleInput,
  assemblePrompt,
  type PromptMessage,
  promptText,
} from "../../../shared/prompt/assemble";
import { CHATML, PYGMALION } from "../../../shared/prompt/template";

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;
const turns = (n: number): PromptMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    role: i % 2 === 0 ? "character" : "user",
    text: `message ${i + 1} ${"w ".repeat(8)}`.trim(),
  }));

function input(overrides: Partial<AssembleInput> = {}): AssembleInput {
  return {
    character: { name: "Aria", description: "Aria is a pilot.", personality: "", scenario: "" },
    userName: "Sam",
    history: turns(4),
    template: CHATML,
    contextSize: 2000,
    maxReplyTokens: 100,
    countTokens: countWords,
    evictionChunk: 2,
    ...overrides,
  };
}

const layout = (p: ReturnType<typeof assemblePrompt>) =>
  p.blocks.map((b) =>
    b.kind === "message" ? `m${b.messageId}` : b.entryIds ? `${b.kind}[${b.entryIds}]` : b.kind,
  );

describe("assemble with lore, note and persona blocks", () => {
  it("places prefix lore around the character, the persona after, and inserts after their messages", () => {
    const prompt = assemblePrompt(
      input({
        loreBefore: [{ text: "The sky is green.", entryIds: ["b#1"] }],
        loreAfter: [{ text: "Pilots fly at night.", entryIds: ["b#2"] }],
        persona: { id: 7, text: "{{user}} is a mechanic." },
        inserts: [
          { kind: "lore", afterMessageId: 2, text: "Sam's plane is red.", entryIds: ["b#3", "b#4"] },
          { kind: "note", afterMessageId: 4, text: "Be brief.", entryIds: [] },
          { kind: "lore", afterMessageId: null, text: "Long ago...", entryIds: ["b#5"] },
        ],
      }),
    );
    expect(layout(prompt)).toEqual([
      "system",
      "lore[b#1]",
      "persona",
      "lore[b#2]",
      "user-persona[persona:7]",
      "system-end",
      "lore[b#5]",
      "m1",
      "m2",
      "lore[b#3,b#4]",
      "m3",
      "m4",
      "note[]",
      "reply-prefix",
    ]);
    const text = promptText(prompt.blocks);
    expect(text).toContain(
      "The sky is green.\nAria is a pilot.\nPilots fly at night.\nSam's persona: Sam is a mechanic.",
    );
    expect(text).toContain(
      "<|im_start|>system\nSam's plane is red.<|im_end|>\n<|im_start|>assistant\nmessage 3",
    );
    expect(prompt.promptTokens).toBe(prompt.blocks.reduce((s, b) => s + b.tokens, 0));
  });

  it("writes an insert as the role it asks for", () => {
    const prompt = assemblePrompt(
      input({
        inserts: [{ kind: "lore", afterMessageId: 1, text: "psst", entryIds: ["b#1"], role: "user" }],
      }),
    );
    expect(promptText(prompt.blocks)).toContain("<|im_start|>user\npsst<|im_end|>\n");
  });

  it("ends an insert with a newline in a plain-text template", () => {
    const prompt = assemblePrompt(
      input({
        template: PYGMALION,
        inserts: [{ kind: "lore", afterMessageId: 2, text: "lore", entryIds: [] }],
      }),
    );
    expect(promptText(prompt.blocks)).toContain("You: message 2 w w w w w w w w\nlore\nAria: message 3");
  });

  it("when continuing, an insert after the open last message goes before it", () => {
    const prompt = assemblePrompt(
      input({
        history: turns(3),
        mode: "continue",
        inserts: [{ kind: "lore", afterMessageId: 3, text: "x", entryIds: ["b#1"] }],
      }),
    );
    expect(layout(prompt).slice(-3)).toEqual(["m2", "lore[b#1]", "m3"]);
  });

  it("an insert whose message was evicted goes before the first kept message, and is never dropped", () => {
    const prompt = assemblePrompt(
      input({
        history: turns(12),
        contextSize: 200,
        inserts: [{ kind: "lore", afterMessageId: 1, text: "w ".repeat(20), entryIds: ["b#1"] }],
      }),
    );
    const firstKept = prompt.blocks.find((b) => b.kind === "message")?.messageId as number;
    expect(firstKept).toBeGreaterThan(1);
    expect(layout(prompt)).toContain("lore[b#1]");
    expect(layout(prompt).indexOf("lore[b#1]")).toBe(layout(prompt).indexOf(`m${firstKept}`) - 1);
    expect(prompt.promptTokens).toBeLessThanOrEqual(100);
  });

  it("existing callers get exactly the blocks they got before (no entryIds, no new kinds)", () => {
    const prompt = assemblePrompt(input({ userPersona: "A mechanic." }));
    expect(prompt.blocks.every((b) => !("entryIds" in b))).toBe(true);
    expect(layout(prompt)).toEqual([
      "system",
      "persona",
      "user-persona",
      "system-end",
      "m1",
      "m2",
      "m3",
      "m4",
      "reply-prefix",
    ]);
  });
});

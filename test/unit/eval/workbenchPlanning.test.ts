/**
 * The workbench's pure parts against hand-computed values: A/B prompt sampling and item layout,
 * the figures over sessions, and the paired comparison of two runs.
 */
import { describe, expect, it } from "vitest";
import { abItems, sampleAbPrompts } from "../../../electron/services/eval/abPlan";
import { compareRuns } from "../../../electron/services/eval/compareRuns";
import type { Conversation } from "../../../electron/services/eval/evalSources";
import { figuresOf, sessionResult } from "../../../electron/services/eval/perplexityFigures";
import type { CardData } from "../../../shared/domain/card";
import type { PerplexityResult, SessionResult } from "../../../shared/domain/eval";

const card = (name: string) => ({ name }) as CardData;

function conversation(key: string, characterId: number, turns: ("user" | "character")[]): Conversation {
  return {
    key,
    characterId,
    card: card(`C${characterId}`),
    sessionId: Number(key.split(":")[1]),
    chatId: null,
    turns: turns.map((role, i) => ({ role, text: `${key} turn ${i}` })),
  };
}

describe("A/B prompts and items", () => {
  const conversations = [
    conversation("session:1", 1, ["character", "user", "character", "user", "character"]),
    conversation("session:2", 2, ["character", "user", "character"]),
  ];

  it("samples prompts that end with a user turn, without repeats, the same for the same seed", () => {
    const prompts = sampleAbPrompts(conversations, 10, 3);
    // Three user turns exist in all: asking for ten gives those three.
    expect(prompts).toHaveLength(3);
    for (const p of prompts) {
      expect(p.history.at(-1)?.role).toBe("user");
      expect(p.history).toHaveLength(p.source.messageIndex + 1);
      expect(p.characterName).toBe(`C${p.source.characterId}`);
    }
    expect(new Set(prompts.map((p) => `${p.source.sessionId}:${p.source.messageIndex}`)).size).toBe(3);
    expect(sampleAbPrompts(conversations, 10, 3)).toEqual(prompts);
    expect(sampleAbPrompts(conversations, 2, 3)).toEqual(prompts.slice(0, 2));
  });

  it("lays out every pair on every prompt, numbered from 1, slot A balanced per contestant", () => {
    const items = abItems(["c1", "c2", "c3", "c4"], 5, 42);
    expect(items).toHaveLength(30);
    expect(items.map((i) => i.item)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (let prompt = 0; prompt < 5; prompt++) {
      const pairs = items
        .filter((i) => i.promptIndex === prompt)
        .map((i) => [i.slotA, i.slotB].sort().join("-"));
      expect(pairs.sort()).toEqual(["c1-c2", "c1-c3", "c1-c4", "c2-c3", "c2-c4", "c3-c4"]);
    }
    for (const c of ["c1", "c2", "c3", "c4"]) {
      const mine = items.filter((i) => i.slotA === c || i.slotB === c);
      expect(mine).toHaveLength(15);
      expect(Math.abs(mine.filter((i) => i.slotA === c).length - 7.5)).toBeLessThanOrEqual(1);
    }
    expect(abItems(["c1", "c2", "c3", "c4"], 5, 42)).toEqual(items);
    expect(abItems(["c1", "c2", "c3", "c4"], 5, 43)).not.toEqual(items);
  });
});

function session(
  key: string,
  characterId: number,
  tokens: number,
  nllSum: number,
  bytes = tokens * 4,
): SessionResult {
  return sessionResult({
    key,
    sessionId: Number(key.split(":")[1]),
    chatId: null,
    characterId,
    tokensScored: tokens,
    bytesScored: bytes,
    nllSum,
    repliesScored: 1,
    repliesSkipped: 0,
  });
}

function run(runId: number, sessions: SessionResult[], hash = "h"): PerplexityResult {
  return {
    runId,
    model: {
      path: `/m${runId}.gguf`,
      fileName: `m${runId}.gguf`,
      sizeBytes: 1,
      sha256: String(runId).repeat(64),
    },
    templateId: "chatml",
    contextSize: 512,
    selectionHash: hash,
    ...figuresOf(sessions),
    perCharacter: [1, 2].map((characterId) => ({
      characterId,
      characterName: `C${characterId}`,
      sessions: sessions.filter((s) => s.characterId === characterId).length,
      ...figuresOf(sessions.filter((s) => s.characterId === characterId)),
    })),
    perSession: sessions,
    durationMs: 1,
  };
}

describe("figures and comparisons", () => {
  it("sums NLL over tokens, not a mean of session means", () => {
    const figures = figuresOf([session("session:1", 1, 10, 10), session("session:2", 1, 30, 60)]);
    expect(figures.tokensScored).toBe(40);
    expect(figures.nll).toBeCloseTo(70 / 40, 12);
    expect(figures.perplexity).toBeCloseTo(Math.exp(1.75), 12);
    expect(figures.bitsPerByte).toBeCloseTo(70 / (Math.LN2 * 160), 12);
    const [low, high] = figures.interval ?? [Number.NaN, Number.NaN];
    // Resampling two sessions: the ratio lies between the two sessions' own (e^1 and e^2).
    expect(low).toBeGreaterThanOrEqual(Math.exp(1) - 1e-9);
    expect(high).toBeLessThanOrEqual(Math.exp(2) + 1e-9);
    expect(figuresOf([session("session:1", 1, 10, 10)]).interval).toBeNull();
  });

  it("flags the characters whose sessions all got worse, with a paired interval", () => {
    const base = run(1, [
      session("session:1", 1, 10, 10),
      session("session:2", 1, 20, 22),
      session("session:3", 1, 10, 9),
      session("session:4", 2, 10, 10),
      session("session:5", 2, 10, 12),
      session("session:6", 2, 10, 11),
    ]);
    // Character 1 worse by 0.5 nats/token in every session; character 2 better or worse by turns.
    const candidate = run(2, [
      session("session:1", 1, 10, 15),
      session("session:2", 1, 20, 32),
      session("session:3", 1, 10, 14),
      session("session:4", 2, 10, 12),
      session("session:5", 2, 10, 10),
      session("session:6", 2, 10, 11.5),
    ]);
    const comparison = compareRuns(base, [candidate]);
    const [c] = comparison.candidates;
    const [one, two] = c?.perCharacter ?? [];
    expect(one?.difference).toBeCloseTo(61 / 40 - 41 / 40, 12);
    expect(one?.interval[0]).toBeCloseTo(0.5, 9);
    expect(one?.interval[1]).toBeCloseTo(0.5, 9);
    expect(one?.worse).toBe(true);
    expect(two?.difference).toBeCloseTo(33.5 / 30 - 33 / 30, 12);
    expect(two?.interval[0]).toBeLessThan(0);
    expect(two?.worse).toBe(false);
    expect(c?.difference).toBeCloseTo(94.5 / 70 - 74 / 70, 12);
  });

  it("refuses runs on different token inputs", () => {
    const a = run(1, [session("session:1", 1, 10, 10)], "one");
    const b = run(2, [session("session:1", 1, 10, 10)], "two");
    expect(() => compareRuns(a, [b])).toThrow(/run 2 did not score the same token inputs as run 1/);
  });
});

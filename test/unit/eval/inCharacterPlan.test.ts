import { describe, expect, it } from "vitest";
import { planSessionScoring, type ReplyPieces } from "../../../electron/services/eval/inCharacterPlan";
import { assemblePrompt, type PromptMessage, type PromptPiece } from "../../../shared/prompt/assemble";
import { PYGMALION } from "../../../shared/prompt/template";

/**
 * A word-level stand-in for the model's tokenizer: BOS (id 1), then one id per whitespace-separated
 * word of the joined text pieces, and one id per control-token piece — enough to make prefix
 * sharing and range positions checkable by hand.
 */
function wordTokenizer() {
  const ids = new Map<string, number>();
  const id = (word: string) => {
    if (!ids.has(word)) ids.set(word, ids.size + 2);
    return ids.get(word) as number;
  };
  const tokenize = (pieces: readonly PromptPiece[]) => {
    const out = [1];
    let text = "";
    const flush = () => {
      out.push(...text.split(/\s+/).filter(Boolean).map(id));
      text = "";
    };
    for (const p of pieces) {
      if (p.special) {
        flush();
        out.push(id(`<${p.text}>`));
      } else text += p.text;
    }
    flush();
    return out;
  };
  return { tokenize, id };
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

function turns(n: number, size = 6): PromptMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    role: i % 2 === 0 ? "user" : "character",
    text: Array.from({ length: size }, (_, w) => `w${i}_${w}`).join(" "),
  }));
}

/** Every character message of a session as (prompt pieces, reply pieces), the way phase 2 will build them. */
function repliesOf(
  history: PromptMessage[],
  options: { contextSize?: number; postHistory?: string; examples?: string } = {},
): ReplyPieces[] {
  const out: ReplyPieces[] = [];
  history.forEach((message, i) => {
    if (message.role !== "character") return;
    const prompt = assemblePrompt({
      character: {
        name: "Aria",
        description: "Aria is a knight of the old order.",
        personality: "",
        scenario: "",
        mes_example: options.examples,
        post_history_instructions: options.postHistory,
      },
      userName: "Sam",
      history: history.slice(0, i),
      template: PYGMALION,
      contextSize: options.contextSize ?? 100_000,
      maxReplyTokens: 20,
      countTokens: countWords,
    });
    out.push({
      replyId: String(message.id),
      prompt: prompt.blocks.flatMap((b) => b.pieces),
      reply: [
        { text: ` ${message.text}`, special: false },
        { text: PYGMALION.characterSuffix, special: false },
      ],
    });
  });
  return out;
}

describe("in-character scoring plan", () => {
  it("scores a whole session in one growing pass: cost is the text, not its square", () => {
    const t = wordTokenizer();
    const replies = repliesOf(turns(20));
    const plan = planSessionScoring(replies, { contextSize: 100_000, tokenize: t.tokenize });
    expect(plan.passes).toHaveLength(1);
    const pass = plan.passes[0];
    expect(pass?.replies.map((r) => r.replyId)).toEqual([
      "2",
      "4",
      "6",
      "8",
      "10",
      "12",
      "14",
      "16",
      "18",
      "20",
    ]);
    // Each range holds exactly the reply's words.
    for (const { replyId, range } of pass?.replies ?? []) {
      const words = turns(20)[Number(replyId) - 1]?.text.split(" ") ?? [];
      expect(pass?.tokens.slice(range.start, range.end)).toEqual(words.map(t.id));
    }
    expect(plan.scoredTokens).toBe(10 * 6);
    // One pass decodes every token once, except the last (nothing after it is scored).
    expect(plan.evaluatedTokens).toBe((pass?.tokens.length ?? 0) - 1);
    expect(plan.skipped).toEqual([]);
  });

  it("grows linearly with the session while scoring one reply at a time grows quadratically", () => {
    const cost = (n: number) => {
      const plan = planSessionScoring(repliesOf(turns(n)), {
        contextSize: 100_000,
        tokenize: wordTokenizer().tokenize,
      });
      return { evaluated: plan.evaluatedTokens, naive: plan.naiveTokens };
    };
    const [a, b, c] = [cost(20), cost(40), cost(80)];
    // Twice the turns: about twice the decoding for the plan, about four times for the naive way.
    expect(b.evaluated / a.evaluated).toBeLessThan(2.1);
    expect(c.evaluated / b.evaluated).toBeLessThan(2.1);
    expect(c.naive / b.naive).toBeGreaterThan(3.5);
    expect(c.naive / c.evaluated).toBeGreaterThan(20);
  });

  it("starts a new pass where assembly rewrites the history, keeping each reply's exact prompt", () => {
    const t = wordTokenizer();
    const history = turns(40);
    // A small context: old turns are evicted in chunks, so the prefix changes now and then.
    const replies = repliesOf(history, { contextSize: 120 });
    const plan = planSessionScoring(replies, { contextSize: 120, tokenize: t.tokenize });
    expect(plan.passes.length).toBeGreaterThan(1);
    expect(plan.passes.length).toBeLessThan(replies.length);
    for (const pass of plan.passes) {
      expect(pass.tokens.length).toBeLessThanOrEqual(120);
      for (const { replyId, range } of pass.replies) {
        const item = replies.find((r) => r.replyId === replyId) as ReplyPieces;
        // Inside its pass, the reply sits after exactly the prompt the assembly built for it.
        expect(pass.tokens.slice(0, range.end)).toEqual(t.tokenize([...item.prompt, ...item.reply]));
      }
    }
    expect(plan.evaluatedTokens).toBeLessThan(plan.naiveTokens / 2);
  });

  it("re-decodes only from the first difference when instructions follow the last message", () => {
    const t = wordTokenizer();
    const replies = repliesOf(turns(30), { postHistory: "Stay in character and be brief." });
    const plan = planSessionScoring(replies, { contextSize: 100_000, tokenize: t.tokenize });
    // The instructions sit after the last message, so no reply's token list extends the previous one...
    expect(plan.passes).toHaveLength(replies.length);
    // ...but each pass keeps the shared prefix: per reply only the new turns, the instructions and the reply.
    const perReply = (plan.evaluatedTokens - (plan.passes[0]?.tokens.length ?? 0)) / (replies.length - 1);
    expect(perReply).toBeLessThan(40);
    expect(plan.naiveTokens / plan.evaluatedTokens).toBeGreaterThan(4);
  });

  it("scores from the merged token when a reply glues onto the prompt's last token", () => {
    const t = wordTokenizer();
    const item: ReplyPieces = {
      replyId: "r",
      prompt: [{ text: "Aria:", special: false }],
      reply: [{ text: "Hello there", special: false }],
    };
    const plan = planSessionScoring([item], { contextSize: 64, tokenize: t.tokenize });
    // "Aria:Hello" is one token of the joined text: it belongs to the reply's range.
    expect(plan.passes[0]?.replies[0]?.range).toEqual({ start: 1, end: 3 });
    expect(plan.passes[0]?.tokens).toEqual([1, t.id("Aria:Hello"), t.id("there")]);
  });

  it("skips empty replies and replies that cannot fit the context, saying why", () => {
    const t = wordTokenizer();
    const items: ReplyPieces[] = [
      {
        replyId: "empty",
        prompt: [{ text: "Aria:", special: false }],
        reply: [{ text: "  ", special: false }],
      },
      {
        replyId: "long",
        prompt: [{ text: "Aria:", special: false }],
        reply: [{ text: ` ${Array.from({ length: 70 }, (_, i) => `x${i}`).join(" ")}`, special: false }],
      },
      {
        replyId: "ok",
        prompt: [{ text: "Aria:", special: false }],
        reply: [{ text: " fine", special: false }],
      },
    ];
    const plan = planSessionScoring(items, { contextSize: 64, tokenize: t.tokenize });
    expect(plan.skipped).toEqual([
      { replyId: "empty", reason: "empty", tokens: 0 },
      { replyId: "long", reason: "exceeds-context", tokens: 72 },
    ]);
    expect(plan.passes.map((p) => p.replies.map((r) => r.replyId))).toEqual([["ok"]]);
  });

  it("counts a cached prefix from an earlier session of the same character as reused", () => {
    const t = wordTokenizer();
    const replies = repliesOf(turns(6));
    const cold = planSessionScoring(replies, { contextSize: 100_000, tokenize: t.tokenize });
    const persona = t.tokenize(replies[0]?.prompt.slice(0, 2) ?? []);
    const warm = planSessionScoring(replies, {
      contextSize: 100_000,
      tokenize: t.tokenize,
      cachedTokens: persona,
    });
    expect(cold.evaluatedTokens - warm.evaluatedTokens).toBe(persona.length);
  });
});

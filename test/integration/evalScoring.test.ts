import {
  getLlama,
  type Llama,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planSessionScoring, type ReplyPieces } from "../../electron/services/eval/inCharacterPlan";
import {
  type LlamaScoring,
  llamaScoringBackend,
  llamaTextTokens,
  openLlamaScoring,
} from "../../electron/services/eval/llamaScoring";
import { scorePass } from "../../electron/services/eval/passScorer";
import { scorePlainText } from "../../electron/services/eval/plainTextScorer";
import { tokenizePieces } from "../../electron/services/eval/promptTokens";
import { scoreSessionPlan } from "../../electron/services/eval/sessionScorer";
import { assemblePrompt, type PromptMessage } from "../../shared/prompt/assemble";
import { PYGMALION } from "../../shared/prompt/template";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { writeNoisyCopy } from "../helpers/noisyModel";
import { makeTempDir } from "../helpers/tempDir";

const STORY =
  "Once upon a time, there was a little girl named Lily. She loved to play with her toys. One day, she went " +
  'to the park with her mom. She saw a big tree and wanted to climb it. Her mom said, "Be careful, Lily!" ' +
  "Lily climbed up and saw a bird in a nest. She was very happy.";

const MORE_STORIES = [
  "Tom had a red ball. He liked to kick it in the yard. One day the ball went over the fence. Tom was sad.",
  "His friend Sam came to help. They looked and looked. At last they found the ball under a bush. Tom said thank you.",
  "Anna wanted to bake a cake with her dad. They got eggs, milk and sugar. The cake was big and sweet.",
  "The sun was hot, so the cat slept in the shade. A little dog came and wanted to play, but the cat was tired.",
];

/** Role-play in the shape of a PIPPA conversation (our own text): speaker tags, *actions*, quoted speech. */
const ROLEPLAY =
  'Aria: *looks up from her book and smiles* "Oh, hello there! I did not hear you come in."\n' +
  "You: Hi Aria. What are you reading?\n" +
  'Aria: *holds up the book* "It is a story about a dragon who is afraid of the dark. Do you want to read it with me?"\n' +
  "You: Sure, I would like that.\n" +
  'Aria: *moves over on the bench and pats the seat* "Sit here. The dragon is called Pip, and he has a tiny lamp."\n';

/** Independent check: a fresh sequence fed one token at a time, p(next) read from the full distribution. */
async function tokenByTokenNll(
  sequence: LlamaContextSequence,
  tokens: readonly Token[],
  scoreFrom: number,
): Promise<number[]> {
  await sequence.clearHistory();
  const nll: number[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    const want = i + 1 >= scoreFrom;
    const [out] = await sequence.controlledEvaluate([
      want ? [tokens[i] as Token, { generateNext: { probabilities: true } }] : (tokens[i] as Token),
    ]);
    if (want) nll.push(-Math.log(out?.next.probabilities?.get(tokens[i + 1] as Token) ?? Number.NaN));
  }
  return nll;
}

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

describe.skipIf(!HAS_TEST_MODEL)("scoring with the real model", () => {
  let llama: Llama;
  let model: LlamaModel;
  let scoring: LlamaScoring;
  let reference: LlamaScoring;
  const temp = makeTempDir("masque-eval-");

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: TEST_MODEL_PATH });
    scoring = await openLlamaScoring(model, { threads: 1, contextSize: 512 });
    reference = await openLlamaScoring(model, { threads: 1, contextSize: 512 });
  });
  afterAll(async () => {
    await scoring?.dispose();
    await reference?.dispose();
    await model?.dispose();
    await llama?.dispose();
    temp.cleanup();
  });

  it("matches an independent token-by-token computation of plain-text perplexity (within 0.5%)", async () => {
    const score = await scorePlainText(scoring, STORY);
    const tokens = llamaTextTokens(model, STORY).tokens as Token[];
    const independent = await tokenByTokenNll(reference.sequence, tokens, 1);
    const expectedPpl = Math.exp(sum(independent) / independent.length);
    expect(score.tokens).toBe(tokens.length - 1);
    expect(score.windows).toBe(1);
    expect(Math.abs(score.perplexity / expectedPpl - 1)).toBeLessThan(0.005);
    expect(score.meanNll).toBeCloseTo(sum(independent) / independent.length, 3);
    expect(score.bytes).toBe(Buffer.byteLength(STORY, "utf8"));
    expect(score.bitsPerByte).toBeCloseTo(score.nll / (Math.LN2 * score.bytes), 12);
    // Per token as well, not only on average.
    independent.forEach((v, i) => {
      expect(score.tokenNll[i + 1]).toBeCloseTo(v, 2);
    });
    expect(score.flooredTokens).toBe(0);
  });

  it("slides windows over a text longer than the context, matching the same windows computed token by token", async () => {
    const text = [STORY, ...MORE_STORIES].join(" ");
    const windowSize = 64;
    const score = await scorePlainText(scoring, text, { windowSize });
    const tokens = llamaTextTokens(model, text).tokens as Token[];
    expect(tokens.length).toBeGreaterThan(3 * windowSize);
    expect(score.tokens).toBe(tokens.length - 1);
    // Closed form of the windowing: window k holds BOS + tokens [1 + k·S, k·S + C) with S = C/2, and
    // scores token i in the first window that reaches past it.
    const stride = windowSize / 2;
    const windowOf = (i: number) => Math.max(0, Math.floor((i - windowSize) / stride) + 1);
    const independent: number[] = [];
    for (let k = 0; k <= windowOf(tokens.length - 1); k++) {
      const start = 1 + k * stride;
      const end = Math.min(k * stride + windowSize, tokens.length);
      const window = [tokens[0] as Token, ...tokens.slice(start, end)];
      const nll = await tokenByTokenNll(reference.sequence, window, 1);
      for (let i = start; i < end; i++) if (windowOf(i) === k) independent[i] = nll[i - start] as number;
    }
    expect(score.windows).toBe(windowOf(tokens.length - 1) + 1);
    const expectedNll = sum(independent.filter((v) => v !== undefined));
    expect(Math.abs(score.nll / expectedNll - 1)).toBeLessThan(0.005);
    // Each window decoded but for its last token; after the first, BOS comes from the cache and the
    // half-context overlap is decoded again.
    expect(score.evaluatedTokens).toBe(
      tokens.length + (score.windows - 1) * (windowSize - 1 - stride) - score.windows,
    );
  });

  it("gives identical figures on a second run and in a fresh context", async () => {
    const first = await scorePlainText(scoring, ROLEPLAY, { windowSize: 48 });
    const second = await scorePlainText(scoring, ROLEPLAY, { windowSize: 48 });
    const fresh = await openLlamaScoring(model, { threads: 1, contextSize: 512 });
    try {
      const third = await scorePlainText(fresh, ROLEPLAY, { windowSize: 48 });
      for (const run of [second, third]) {
        expect(run.nll).toBe(first.nll);
        expect(run.perplexity).toBe(first.perplexity);
        expect(run.bitsPerByte).toBe(first.bitsPerByte);
        expect(Array.from(run.tokenNll)).toEqual(Array.from(first.tokenNll));
      }
    } finally {
      await fresh.dispose();
    }
  });

  it("gives the same scores when the Maps are read a few positions per call", async () => {
    const whole = await scorePlainText(scoring, STORY);
    // A budget of 1,200 Map entries at vocabulary 512: two positions per controlledEvaluate call.
    const chunked = await scorePlainText(
      llamaScoringBackend(model, scoring.sequence, { entryBudget: 1200 }),
      STORY,
    );
    expect(Math.abs(chunked.nll / whole.nll - 1)).toBeLessThan(1e-4);
  });

  it("scores a deliberately worse model worse, on stories and on role-play", async () => {
    const noisyPath = await writeNoisyCopy(TEST_MODEL_PATH, temp.dir, { scale: 0.5, seed: 17 });
    const noisy = await llama.loadModel({ modelPath: noisyPath });
    const noisyContext = await openLlamaScoring(noisy, { threads: 1, contextSize: 512 });
    try {
      for (const text of [STORY, ROLEPLAY]) {
        const good = await scorePlainText(scoring, text);
        const worse = await scorePlainText(noisyContext, text);
        expect(worse.tokens).toBe(good.tokens);
        expect(worse.perplexity).toBeGreaterThan(good.perplexity * 1.2);
        expect(worse.bitsPerByte ?? 0).toBeGreaterThan(good.bitsPerByte ?? 0);
      }
    } finally {
      await noisyContext.dispose();
      await noisy.dispose();
    }
  });

  describe("in-character sessions", () => {
    const messages: PromptMessage[] = [
      {
        id: 1,
        role: "character",
        text: '*waves from the garden gate* "Hello! Do you want to see my flowers?"',
      },
      { id: 2, role: "user", text: "Yes please. Which one is your favourite?" },
      {
        id: 3,
        role: "character",
        text: '*points at a red rose* "This one. My mom gave it to me when I was little."',
      },
      { id: 4, role: "user", text: "It is very pretty. Can I smell it?" },
      { id: 5, role: "character", text: '*nods and smiles* "Of course! Be careful, it has thorns."' },
      { id: 6, role: "user", text: "Ouch! You were right." },
      {
        id: 7,
        role: "character",
        text: '*gasps and takes your hand* "Oh no! Let me get a bandage for you."',
      },
      { id: 8, role: "user", text: "Thank you, Lily. You are very kind." },
      { id: 9, role: "character", text: '*blushes* "That is what friends do. Do you want some lemonade?"' },
    ];

    function replies(contextSize: number, postHistory?: string): ReplyPieces[] {
      return messages.flatMap((message, i) => {
        if (message.role !== "character" || i === 0) return [];
        const prompt = assemblePrompt({
          character: {
            name: "Lily",
            description: "Lily is a little girl who loves her garden.",
            personality: "kind, cheerful",
            scenario: "A sunny afternoon at Lily's house.",
            post_history_instructions: postHistory,
          },
          userName: "Sam",
          history: messages.slice(0, i),
          template: PYGMALION,
          contextSize,
          maxReplyTokens: 64,
          countTokens: (text) => model.tokenize(text).length,
        });
        return [
          {
            replyId: String(message.id),
            prompt: prompt.blocks.flatMap((b) => b.pieces),
            reply: [{ text: ` ${message.text}\n`, special: false }],
          },
        ];
      });
    }

    it.each([
      ["one growing sequence", undefined],
      ["instructions after the last message (prefix reuse only)", "Write one short line."],
    ])("scores each reply as if from scratch, decoding far less: %s", async (_label, postHistory) => {
      const items = replies(512, postHistory);
      const plan = planSessionScoring(items, { contextSize: 512, tokenize: (p) => tokenizePieces(model, p) });
      expect(plan.skipped).toEqual([]);
      if (!postHistory) expect(plan.passes).toHaveLength(1);
      await scoring.sequence.clearHistory();
      const result = await scoreSessionPlan(scoring, plan);
      expect(result.evaluatedTokens).toBe(plan.evaluatedTokens);
      expect(plan.evaluatedTokens).toBeLessThan(plan.naiveTokens / 2);
      expect(result.replies.map((r) => r.replyId)).toEqual(["3", "5", "7", "9"]);

      // Independently: every reply on an empty cache, the whole prompt + reply in one call.
      for (const item of items) {
        const full = tokenizePieces(model, [...item.prompt, ...item.reply]);
        const promptLength = tokenizePieces(model, item.prompt).length;
        await reference.sequence.clearHistory();
        const out = await reference.sequence.controlledEvaluate(
          full.map((t, i) => (i + 1 >= promptLength ? [t, { generateNext: { probabilities: true } }] : t)),
        );
        let expected = 0;
        for (let i = promptLength; i < full.length; i++) {
          expected -= Math.log(out[i - 1]?.next.probabilities?.get(full[i] as Token) ?? Number.NaN);
        }
        const got = result.replies.find((r) => r.replyId === item.replyId);
        expect(got?.tokens).toBe(full.length - promptLength);
        expect(Math.abs((got?.nll ?? 0) / expected - 1)).toBeLessThan(1e-3);
      }
    });
  });

  it("scores a pass exactly as long as the context without shifting it", async () => {
    const tokens = llamaTextTokens(
      model,
      [STORY, ...MORE_STORIES, STORY, ...MORE_STORIES].join(" "),
    ).tokens.slice(0, 512);
    expect(tokens).toHaveLength(512);
    const pass = { tokens, scored: [{ start: 1, end: 512 }] };
    const full = await scoring.score(pass);
    expect(scoring.sequence.contextTokens).toEqual(tokens.slice(0, 511));
    const roomy = await openLlamaScoring(model, { threads: 1, contextSize: 1024 });
    try {
      const expected = await roomy.score(pass);
      expect(full.nll.reduce((s, v) => s + v, 0)).toBeCloseTo(
        expected.nll.reduce((s, v) => s + v, 0),
        6,
      );
    } finally {
      await roomy.dispose();
    }
  });

  it("stops with ABORTED when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(scorePlainText(scoring, STORY, { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
  });

  it("refuses a pass longer than the context and ranges that cannot be scored", async () => {
    const tokens = Array.from({ length: 600 }, () => 300 as Token);
    await expect(
      scorePass(scoring.sequence, { tokens, scored: [{ start: 1, end: 600 }] }, { vocabulary: 512 }),
    ).rejects.toMatchObject({ code: "CONTEXT_OVERFLOW" });
    await expect(
      scorePass(
        scoring.sequence,
        { tokens: tokens.slice(0, 10), scored: [{ start: 0, end: 5 }] },
        { vocabulary: 512 },
      ),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(
      scorePass(
        scoring.sequence,
        { tokens: [1, 99_999] as Token[], scored: [{ start: 1, end: 2 }] },
        { vocabulary: 512 },
      ),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(/tokens\[1\]: 99999/) });
  });
});

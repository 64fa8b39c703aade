/**
 * Teacher-forced scoring of one pass on a context sequence: bring the sequence to `tokens` (keeping
 * the prefix already in its KV cache as far as the first scored token allows), and read
 * −ln p(token i | tokens before i) for every scored position from the FULL next-token distribution.
 *
 * node-llama-cpp 3.21.1 has no log-probability-of-a-given-token call. `controlledEvaluate` with
 * `generateNext.probabilities` and no sampling options runs the greedy-only sampler chain, so the
 * returned Map is the softmax over the whole vocabulary (model-evaluation.md B.1); any temperature,
 * top-k/p, penalty or bias would truncate or reshape it, so none is ever passed here. Each requested
 * position costs a native sort of the vocabulary and a JS Map of it, so: only the positions before
 * scored tokens ask for it, and the calls are split so that at most about a million Map entries
 * are alive at once (a few positions per call at 128k vocabularies, thousands at 512).
 *
 * The pass's last token is never decoded: nothing after it is scored. That saves a token per pass
 * and keeps a pass of a full context's length inside the sequence (node-llama-cpp shifts the
 * context once it holds contextSize − 1 tokens; a shift would silently change what the scored
 * tokens see, so a shift strategy that refuses is passed as well).
 */
import type { ControlledEvaluateInputItem, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { MasqueError } from "../../../shared/errors";
import type { PassScore, ScoringPass } from "./scoringBackend";
import { checkRanges, commonPrefixLength, rangeTokenCount, type TokenRange } from "./tokenRanges";

/** The smallest positive float32: a probability the native softmax rounded to 0 is at most about this. */
export const PROBABILITY_FLOOR = 1.401298464324817e-45;

/** Map entries (vocabulary × positions) allowed alive per `controlledEvaluate` call. */
export const MAP_ENTRY_BUDGET = 1 << 20;

/** Vocabularies are sized for the Map budget as this when the GGUF does not say (the largest in use). */
const LARGEST_VOCABULARY = 262_144;

/** The vocabulary size from the GGUF's token list, or null if the loaded metadata lacks it. */
export function vocabularySize(model: LlamaModel): number | null {
  const tokens = model.fileInfo.metadata?.tokenizer?.ggml?.tokens;
  return Array.isArray(tokens) && tokens.length > 0 ? tokens.length : null;
}

export function positionsPerCall(vocabulary: number | null, budget = MAP_ENTRY_BUDGET): number {
  return Math.max(1, Math.floor(budget / Math.max(1, vocabulary ?? LARGEST_VOCABULARY)));
}

export interface PassOptions {
  /** The model's vocabulary size (the size of each returned Map); null if unknown. */
  vocabulary: number | null;
  /** Map entries allowed alive per call; MAP_ENTRY_BUDGET unless a test wants smaller calls. */
  entryBudget?: number;
  /** Checked between calls: an aborted pass rejects with ABORTED. */
  signal?: AbortSignal;
}

const REFUSE_SHIFT = {
  strategy: (): never => {
    throw new MasqueError("INTERNAL", "The scoring context was about to shift; the scores would be wrong.");
  },
};

export async function scorePass(
  sequence: LlamaContextSequence,
  pass: ScoringPass,
  options: PassOptions,
): Promise<PassScore> {
  // node-llama-cpp brands its token ids; the pass carries plain numbers, checked against the vocabulary below.
  const tokens = pass.tokens as readonly Token[];
  const { scored } = pass;
  checkRanges(scored, tokens.length);
  checkTokenIds(tokens, options.vocabulary);
  if (tokens.length > sequence.contextSize) {
    throw new MasqueError(
      "CONTEXT_OVERFLOW",
      `A scoring pass of ${tokens.length} tokens does not fit the ${sequence.contextSize}-token context.`,
      { tokens: tokens.length, contextSize: sequence.contextSize },
    );
  }
  const firstScored = (scored[0] as TokenRange).start;
  // Position i's probability comes from the logits after token i − 1, so that token is decoded again.
  const keep = Math.min(commonPrefixLength(sequence.contextTokens, tokens), firstScored - 1);
  if (sequence.nextTokenIndex > keep) {
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  }

  const wanted = new Uint8Array(tokens.length);
  for (const { start, end } of scored) wanted.fill(1, start - 1, end - 1);
  const nll = new Float64Array(rangeTokenCount(scored));
  let written = 0;
  let floored = 0;
  const perCall = positionsPerCall(options.vocabulary, options.entryBudget);
  const last = tokens.length - 1;
  let from = keep;
  while (from < last) {
    if (options.signal?.aborted) throw new MasqueError("ABORTED", "Scoring was stopped.");
    let requests = 0;
    let to = from;
    while (to < last && (requests < perCall || wanted[to] === 0)) requests += wanted[to++] as number;
    const input: ControlledEvaluateInputItem[] = [];
    for (let i = from; i < to; i++) {
      const token = tokens[i] as Token;
      input.push(wanted[i] ? [token, { generateNext: { probabilities: true } }] : token);
    }
    const output = await sequence.controlledEvaluate(input, { contextShift: REFUSE_SHIFT });
    for (let i = from; i < to; i++) {
      if (!wanted[i]) continue;
      const p = probabilityOf(output[i - from]?.next.probabilities, tokens[i + 1] as Token, i);
      if (p < PROBABILITY_FLOOR) floored++;
      nll[written++] = -Math.log(Math.max(p, PROBABILITY_FLOOR));
    }
    from = to;
  }
  return { nll, evaluatedTokens: last - keep, reusedTokens: keep, flooredTokens: floored };
}

function probabilityOf(
  distribution: ReadonlyMap<Token, number> | undefined,
  target: Token,
  position: number,
): number {
  // The greedy chain keeps every token of the vocabulary, so both are always there.
  const p = distribution?.get(target);
  if (p === undefined) {
    throw new MasqueError(
      "INTERNAL",
      `No probability of token ${target} came back for position ${position + 1}.`,
    );
  }
  return p;
}

/** An id outside the vocabulary makes llama.cpp's decode fail with no detail; name it instead. */
function checkTokenIds(tokens: readonly Token[], vocabulary: number | null): void {
  const limit = vocabulary ?? Number.MAX_SAFE_INTEGER;
  const bad = tokens.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= limit);
  if (bad >= 0) {
    throw new MasqueError(
      "INVALID_INPUT",
      `tokens[${bad}]: ${tokens[bad]} is not a token id of this model (vocabulary ${vocabulary ?? "unknown"})`,
      { field: `tokens[${bad}]` },
    );
  }
}

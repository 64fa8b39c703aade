/**
 * distinct-n (Li et al., 2016): distinct n-grams / all n-grams, over lower-cased words. Over a set
 * of replies, n-grams stay inside their reply and are counted distinct across the whole set, so the
 * figure drops when replies repeat each other as well as themselves.
 */
import { invalid, requireInteger } from "./checks";
import { words } from "./replyText";

export interface Distinct {
  ngrams: number;
  distinct: number;
  /** distinct / ngrams, 0 when there are no n-grams. */
  ratio: number;
}

export function distinctN(texts: readonly string[], n: number): Distinct {
  requireInteger("n", n, 1);
  if (!Array.isArray(texts)) throw invalid("texts", "expected a list of replies");
  const seen = new Set<string>();
  let ngrams = 0;
  for (const text of texts) {
    const tokens = words(text).map((w) => w.text.toLowerCase());
    for (let i = 0; i + n <= tokens.length; i++) {
      seen.add(tokens.slice(i, i + n).join(" "));
      ngrams++;
    }
  }
  return { ngrams, distinct: seen.size, ratio: ngrams === 0 ? 0 : seen.size / ngrams };
}

/**
 * Lorebook keys as matchers. A plain key matches as text, case-insensitively unless the entry is
 * case-sensitive, and as a whole word (Unicode letters, digits and `_` around it may not continue
 * it) unless whole-word matching is off. A key written `/pattern/flags`, as SillyTavern allows, is
 * a regular expression: its own flags decide case, and whole-word matching does not apply.
 */
export interface KeyOptions {
  caseSensitive: boolean;
  wholeWords: boolean;
}

export interface KeyMatcher {
  /** The key as written (after macros). */
  key: string;
  test(text: string): boolean;
}

export type CompiledKey = { ok: true; matcher: KeyMatcher } | { ok: false; reason: string };

const REGEX_KEY = /^\/([\s\S]+)\/([a-z]*)$/;
const ALLOWED_FLAGS = /^[dgimsuvy]*$/;
const WORD = "[\\p{L}\\p{N}_]";

/** True when the key is written as `/pattern/flags`. */
export function isRegexKey(key: string): boolean {
  return REGEX_KEY.test(key.trim());
}

export function compileKey(rawKey: string, options: KeyOptions): CompiledKey {
  const key = rawKey.trim();
  if (key === "") return { ok: false, reason: "the key is empty" };
  const regex = REGEX_KEY.exec(key);
  if (regex) return compileRegexKey(key, regex[1] as string, regex[2] as string);
  const escaped = escapeRegExp(key);
  const pattern = options.wholeWords ? `(?<!${WORD})${escaped}(?!${WORD})` : escaped;
  const compiled = new RegExp(pattern, options.caseSensitive ? "u" : "iu");
  return { ok: true, matcher: { key, test: (text) => compiled.test(text) } };
}

function compileRegexKey(key: string, pattern: string, flags: string): CompiledKey {
  if (!ALLOWED_FLAGS.test(flags)) {
    return { ok: false, reason: `the key ${key} has unknown regular expression flags "${flags}"` };
  }
  // `g` and `y` make test() remember where it stopped; a key must answer the same every time.
  const stateless = [...new Set(flags.replace(/[gy]/g, ""))].join("");
  try {
    const compiled = new RegExp(pattern, stateless);
    return { ok: true, matcher: { key, test: (text) => compiled.test(text) } };
  } catch (error) {
    return {
      ok: false,
      reason: `the key ${key} is not a valid regular expression (${(error as Error).message})`,
    };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Masque's default display name and the macro words are not personal: never names to redact. */
export const RESERVED_NAMES = new Set(["user", "char", "you", "bot"]);

/**
 * A "word" character for name boundaries (needs the `v` flag for the set difference). Letters of
 * scripts written without spaces (Han, kana, Hangul, Thai…) do not count, so a name is found
 * inside text written in them.
 */
const NO_SPACE_SCRIPTS = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}`;
export const WORD_CHAR = String.raw`[[\p{L}\p{M}\p{N}_]--[${NO_SPACE_SCRIPTS}]]`;

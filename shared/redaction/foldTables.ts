/** Data for fold.ts: look-alike letters and the HTML entities it decodes. */
/**
 * Look-alikes of Latin letters in other scripts, keyed by the lower-case letter: folding maps
 * both cases the same way, so that matching stays case-insensitive (Cyrillic "В" looks like "B",
 * so "в" folds to "b" as well). Where the two cases look like different Latin letters (Greek Ν
 * and ν), the capital wins.
 */
const LOOK_ALIKES = {
  // Cyrillic
  а: "a",
  в: "b",
  е: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ј: "j",
  ԁ: "d",
  һ: "h",
  ԛ: "q",
  ԝ: "w",
  ү: "y",
  ӏ: "l",
  // Greek
  α: "a",
  β: "b",
  ε: "e",
  ζ: "z",
  η: "h",
  ι: "i",
  κ: "k",
  μ: "m",
  ν: "n",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "y",
  χ: "x",
  // Latin letters that look like others, and ß written out
  ɑ: "a",
  ı: "i",
  ȷ: "j",
  ß: "ss",
};
export const CONFUSABLES: Readonly<Record<string, string>> = LOOK_ALIKES;

export const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  shy: "\u00ad",
  zwj: "\u200d",
  zwnj: "\u200c",
  ZeroWidthSpace: "\u200b",
  NoBreak: "\u2060",
  szlig: "ß",
};
/** `&eacute;` and friends: a letter and the combining accent the name says. */
export const ACCENT_ENTITIES: Record<string, string> = {
  acute: "\u0301",
  grave: "\u0300",
  circ: "\u0302",
  uml: "\u0308",
  tilde: "\u0303",
  ring: "\u030a",
  cedil: "\u0327",
  caron: "\u030c",
};

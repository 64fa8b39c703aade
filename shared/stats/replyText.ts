/**
 * How a role-play reply splits into narration and dialogue. The convention: actions and narration
 * go between single asterisks (`*she smiles*`), everything else is speech. Asterisks pair left to
 * right across lines; `**` is bold, not narration; an asterisk left without a partner is literal
 * (as the Markdown renderer shows it).
 */

/** Words: runs of letters and digits, with inner apostrophes (don't, l’amour). */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

export interface Word {
  text: string;
  index: number;
}

export function words(text: string): Word[] {
  return [...text.matchAll(WORD)].map((m) => ({ text: m[0], index: m.index }));
}

/** [start, end) character ranges inside single-asterisk pairs. */
export function narrationRanges(text: string): [number, number][] {
  const singles: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "*") continue;
    if (text[i + 1] === "*") {
      // Skip the whole run (**, ***): emphasis markers.
      while (text[i + 1] === "*") i++;
      continue;
    }
    singles.push(i);
  }
  const ranges: [number, number][] = [];
  for (let k = 0; k + 1 < singles.length; k += 2)
    ranges.push([singles[k] as number, singles[k + 1] as number]);
  return ranges;
}

export interface NarrationSplit {
  words: number;
  narrationWords: number;
  dialogueWords: number;
  /** Narration words / all words (0 for a reply without words). */
  narrationShare: number;
}

export function narrationSplit(text: string): NarrationSplit {
  const ranges = narrationRanges(text);
  const all = words(text);
  const narration = all.filter((w) => ranges.some(([start, end]) => w.index > start && w.index < end)).length;
  return {
    words: all.length,
    narrationWords: narration,
    dialogueWords: all.length - narration,
    narrationShare: all.length === 0 ? 0 : narration / all.length,
  };
}

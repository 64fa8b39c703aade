/**
 * Two failures of a role-play reply that can be spotted in the text: speaking for the user (a line
 * that starts with the user's name or `{{user}}:` as a speaker tag — the model wrote the user's
 * turn) and out-of-character remarks (`OOC:`, `(OOC`, `[OOC`, `((`, `[[`).
 */

const OOC_MARKERS = [/\bOOC\s*:/gi, /\(\s*OOC\b/gi, /\[\s*OOC\b/gi, /\(\(/g, /\[\[/g];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Lines that open with one of the user's names (or `{{user}}`) followed by a colon; leading
 * spaces, asterisks, quotes and bold markers are skipped. Names compare case-insensitively.
 */
export function userSpeakerLines(text: string, userNames: readonly string[]): number {
  const names = [...userNames.map((n) => n.trim()).filter(Boolean), "{{user}}"];
  const speaker = new RegExp(`^[\\s*_"“']*(?:${names.map(escapeRegExp).join("|")})[*_]*\\s*:`, "i");
  return text.split(/\r?\n/).filter((line) => speaker.test(line)).length;
}

/** Occurrences of out-of-character markers; overlapping hits (`((OOC:`) count once. */
export function oocMarkers(text: string): number {
  const hits: [number, number][] = [];
  for (const pattern of OOC_MARKERS) {
    for (const m of text.matchAll(pattern)) hits.push([m.index, m.index + m[0].length]);
  }
  hits.sort((x, y) => x[0] - y[0]);
  let count = 0;
  let end = -1;
  for (const [start, stop] of hits) {
    if (start >= end) count++;
    end = Math.max(end, stop);
  }
  return count;
}

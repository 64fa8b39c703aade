/**
 * An entry's chance to fire, rolled from the seed and from what triggered it: the entry and the
 * message whose key fired it (by its place on the chat's path, which does not change when the
 * message being answered is stored and gets its id), or the entry whose content did. While that
 * message stays in the scan window the answer stays the same, so a 50% entry does not flicker in
 * and out of the prompt from turn to turn (which would also change the prompt the KV cache
 * holds); a new message rolls anew. The same seed always gives the same answer.
 */
import { seededUnit } from "../random";
import type { EntryId, FireReason } from "./types";

export interface ProbabilityRoll {
  passed: boolean;
  /** In [0, 100). */
  roll: number;
}

/** `messageIndex`: where the triggering message is on the path (for a key match). */
export function rollLabel(id: EntryId, reason: FireReason, messageIndex = -1): string {
  if (reason.kind === "key") return `${id}@${messageIndex}`;
  if (reason.kind === "recursion") return `${id}<${reason.fromEntry}`;
  return id;
}

export function rollProbability(seed: number, label: string, probability: number): ProbabilityRoll {
  const roll = seededUnit(seed, label) * 100;
  return { passed: probability >= 100 || roll < probability, roll };
}

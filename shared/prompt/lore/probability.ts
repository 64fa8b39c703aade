/** An entry's chance to fire, rolled from the seed and the entry id so the same prompt is rebuilt exactly. */
import { seededUnit } from "../random";
import type { EntryId } from "./types";

export interface ProbabilityRoll {
  passed: boolean;
  /** In [0, 100). */
  roll: number;
}

export function rollProbability(seed: number, id: EntryId, probability: number): ProbabilityRoll {
  const roll = seededUnit(seed, id) * 100;
  return { passed: probability >= 100 || roll < probability, roll };
}

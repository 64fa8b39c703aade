/**
 * Secondary keys refine a primary match (SillyTavern's selective logic): AND ANY needs one of
 * them, AND ALL needs every one, NOT ANY needs none, NOT ALL needs at least one missing.
 */
import type { SecondaryLogic } from "../../domain/lore";

export function secondaryPasses(logic: SecondaryLogic, found: number, total: number): boolean {
  if (total === 0) return true;
  switch (logic) {
    case "and-any":
      return found > 0;
    case "and-all":
      return found === total;
    case "not-any":
      return found === 0;
    case "not-all":
      return found < total;
  }
}

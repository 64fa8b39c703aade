/**
 * One call for the prompt builder: activate the chat's lore, apply the budget, and place lore,
 * the author's note and the persona; the result's `fields` go straight into `assemblePrompt`, the
 * rest into the prompt inspector (why each entry fired, what was dropped or left out, and why).
 */
import type { AssembleInput } from "../assemble";
import type { NoteMessage } from "../note";
import { type LorePlacementMode, type PlacementInput, placePromptBlocks } from "../placement";
import { activateLore } from "./activate";
import { applyLoreBudget, type BudgetResult } from "./budget";
import type { ActivationResult, EntryId, LoreSettings, ScanBook } from "./types";

export interface ComposeLoreInput {
  books: readonly ScanBook[];
  /** The chat's active path, root first, ending with the message being answered. */
  history: readonly (NoteMessage & { text: string })[];
  settings: LoreSettings;
  /** One per chat (each roll also depends on the message that triggered it). */
  seed: number;
  contextSize: number;
  countTokens: (text: string) => number;
  mode: LorePlacementMode;
  note?: PlacementInput["note"];
  persona?: PlacementInput["persona"];
  names?: { char: string; user: string };
}

export interface ComposedLore {
  fields: Pick<AssembleInput, "loreBefore" | "loreAfter" | "persona" | "inserts">;
  activation: ActivationResult;
  budget: BudgetResult;
  unplaced: { id: EntryId; reason: string }[];
}

export function composeLore(input: ComposeLoreInput): ComposedLore {
  const activation = activateLore({
    books: input.books,
    messages: input.history,
    settings: input.settings,
    seed: input.seed,
    ...(input.names ? { names: input.names } : {}),
  });
  const budget = applyLoreBudget({
    fired: activation.fired,
    books: input.books,
    contextSize: input.contextSize,
    settings: input.settings,
    countTokens: input.countTokens,
  });
  const placed = placePromptBlocks({
    lore: budget.kept,
    history: input.history,
    mode: input.mode,
    note: input.note ?? null,
    persona: input.persona ?? null,
  });
  return {
    fields: {
      loreBefore: placed.loreBefore,
      loreAfter: placed.loreAfter,
      inserts: placed.inserts,
      ...(placed.persona ? { persona: placed.persona } : {}),
    },
    activation,
    budget,
    unplaced: placed.unplaced,
  };
}

/**
 * SillyTavern's numeric encodings, shared by its world-info files and by the `extensions` it
 * writes into card books: positions 0..6, roles 0..2, selective logic 0..3, and the names of the
 * fields Masque keeps without using them (world info camelCase ⇄ card-book snake_case).
 */
import type { LorePosition, LoreRole, SecondaryLogic } from "../../../shared/domain/lore";
import { fail } from "./rawFields";

export const DEFAULT_DEPTH = 4;

const POSITION_CODES = {
  "before-character": 0,
  "after-character": 1,
  "note-top": 2,
  "note-bottom": 3,
  depth: 4,
  "examples-top": 5,
  "examples-bottom": 6,
} as const satisfies Record<Exclude<LorePosition["at"], "unsupported">, number>;

export function positionCode(position: LorePosition): number {
  return position.at === "unsupported" ? position.code : POSITION_CODES[position.at];
}

export function positionFromCode(code: number, depth: number, role: LoreRole): LorePosition {
  const found = Object.entries(POSITION_CODES).find(([, c]) => c === code)?.[0] as
    | keyof typeof POSITION_CODES
    | undefined;
  if (found === undefined) return { at: "unsupported", code };
  return found === "depth" ? { at: "depth", depth, role } : { at: found };
}

const ROLES: readonly LoreRole[] = ["system", "user", "character"];

export function roleFromCode(code: number | null, where: string): LoreRole {
  if (code === null) return "system";
  const role = ROLES[code];
  return role ?? fail(`${where} must be 0 (system), 1 (user) or 2 (assistant), not ${code}`);
}

export function roleCode(role: LoreRole): number {
  return ROLES.indexOf(role);
}

const LOGICS: readonly SecondaryLogic[] = ["and-any", "not-all", "not-any", "and-all"];

export function logicFromCode(code: number | null, where: string): SecondaryLogic {
  if (code === null) return "and-any";
  const logic = LOGICS[code];
  return logic ?? fail(`${where} must be 0 (AND ANY), 1 (NOT ALL), 2 (NOT ANY) or 3 (AND ALL), not ${code}`);
}

export function logicCode(logic: SecondaryLogic): number {
  return LOGICS.indexOf(logic);
}

/** SillyTavern fields Masque keeps but does not use: world-info name → card-book extensions name. */
export const KEPT_FIELDS: Readonly<Record<string, string>> = {
  vectorized: "vectorized",
  group: "group",
  groupOverride: "group_override",
  groupWeight: "group_weight",
  useGroupScoring: "use_group_scoring",
  automationId: "automation_id",
  sticky: "sticky",
  cooldown: "cooldown",
  delay: "delay",
  displayIndex: "display_index",
};

const KEPT_FIELDS_BY_EXTENSION = Object.fromEntries(
  Object.entries(KEPT_FIELDS).map(([wi, ext]) => [ext, wi]),
);

export function extensionNameOf(worldInfoField: string): string {
  return KEPT_FIELDS[worldInfoField] ?? worldInfoField;
}

export function worldInfoNameOf(extensionField: string): string {
  return KEPT_FIELDS_BY_EXTENSION[extensionField] ?? extensionField;
}

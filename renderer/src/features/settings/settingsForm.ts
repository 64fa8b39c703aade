/** The settings form as text fields: which fields, their help, and the patch they make. */
import { SAMPLER_KEYS, type Settings, type SettingsPatch } from "../../../../shared/domain/settings";
import type { ApiError } from "../../../../shared/errors";

export type SamplerKey = (typeof SAMPLER_KEYS)[number];
export type NumberKey = "threads" | "contextSize" | "maxTokens" | SamplerKey;
export type TextKey = "userName" | "userPersona" | "systemPrompt" | "templateId" | "examplesMode";
export type Draft = Record<NumberKey | TextKey, string>;

export interface NumberField {
  key: NumberKey;
  label: string;
  hint: string;
  step: string;
  min: number;
  max: number;
}

export const GENERATION_FIELDS: readonly NumberField[] = [
  {
    key: "threads",
    label: "CPU threads",
    hint: "0 = choose automatically for this machine",
    step: "1",
    min: 0,
    max: 256,
  },
  {
    key: "contextSize",
    label: "Context size (tokens)",
    hint: "Applies the next time the model loads",
    step: "256",
    min: 256,
    max: 262_144,
  },
  {
    key: "maxTokens",
    label: "Max reply tokens",
    hint: "Longest reply the model may write",
    step: "1",
    min: 1,
    max: 8192,
  },
];

export const SAMPLING_FIELDS: readonly NumberField[] = [
  {
    key: "temperature",
    label: "Temperature",
    hint: "Higher is more creative, lower more focused",
    step: "0.05",
    min: 0,
    max: 5,
  },
  {
    key: "topP",
    label: "Top P",
    hint: "Keep the likeliest tokens up to this total probability; 1 = off",
    step: "0.01",
    min: 0,
    max: 1,
  },
  {
    key: "topK",
    label: "Top K",
    hint: "Keep only the K likeliest tokens; 0 = off",
    step: "1",
    min: 0,
    max: 1000,
  },
  {
    key: "minP",
    label: "Min P",
    hint: "Drop tokens below this share of the likeliest one; 0 = off",
    step: "0.01",
    min: 0,
    max: 1,
  },
  {
    key: "repeatPenalty",
    label: "Repeat penalty",
    hint: "Makes recent tokens less likely; 1 = off",
    step: "0.01",
    min: 1,
    max: 3,
  },
  {
    key: "repeatLastN",
    label: "Penalty window (tokens)",
    hint: "How many recent tokens the penalties look at; 0 = off",
    step: "1",
    min: 0,
    max: 8192,
  },
  {
    key: "frequencyPenalty",
    label: "Frequency penalty",
    hint: "Grows with each repetition of a token; 0 = off",
    step: "0.05",
    min: 0,
    max: 2,
  },
  {
    key: "presencePenalty",
    label: "Presence penalty",
    hint: "Once a token appeared at all; 0 = off",
    step: "0.05",
    min: 0,
    max: 2,
  },
  {
    key: "dryMultiplier",
    label: "DRY multiplier",
    hint: "Penalises repeating whole phrases; 0 = off",
    step: "0.05",
    min: 0,
    max: 5,
  },
  {
    key: "dryBase",
    label: "DRY base",
    hint: "How fast the DRY penalty grows with the phrase length",
    step: "0.05",
    min: 1,
    max: 4,
  },
  {
    key: "dryAllowedLength",
    label: "DRY allowed length",
    hint: "Repeated phrases up to this many tokens are free",
    step: "1",
    min: 0,
    max: 20,
  },
  {
    key: "xtcProbability",
    label: "XTC probability",
    hint: "Chance to cut the likeliest tokens, for variety; 0 = off",
    step: "0.05",
    min: 0,
    max: 1,
  },
  {
    key: "xtcThreshold",
    label: "XTC threshold",
    hint: "Tokens above this probability may be cut",
    step: "0.01",
    min: 0,
    max: 1,
  },
];

const NUMBER_FIELDS = [...GENERATION_FIELDS, ...SAMPLING_FIELDS];
const TEXT_KEYS: readonly TextKey[] = [
  "userName",
  "userPersona",
  "systemPrompt",
  "templateId",
  "examplesMode",
];

export function toDraft(settings: Settings | null): Draft {
  const draft = {} as Draft;
  for (const { key } of NUMBER_FIELDS) draft[key] = settings ? String(settings[key]) : "";
  for (const key of TEXT_KEYS) draft[key] = settings ? settings[key] : "";
  return draft;
}

/** The draft with its sampler fields taken from `settings` (after a preset was applied). */
export function withSampler(draft: Draft, settings: Settings): Draft {
  const next = { ...draft };
  for (const key of SAMPLER_KEYS) next[key] = String(settings[key]);
  return next;
}

function parseNumbers(
  draft: Draft,
  fields: readonly NumberField[],
): { values: Record<string, number> } | { error: ApiError } {
  const values: Record<string, number> = {};
  for (const { key, label } of fields) {
    const raw = draft[key].trim();
    const value = Number(raw);
    if (raw === "" || !Number.isFinite(value)) {
      return { error: { code: "INVALID_INPUT", message: `${key}: ${label} must be a number` } };
    }
    values[key] = value;
  }
  return { values };
}

/** Turns the form into a patch; numbers that do not parse are reported like the core reports them. */
export function toPatch(draft: Draft): { patch: SettingsPatch } | { error: ApiError } {
  const parsed = parseNumbers(draft, NUMBER_FIELDS);
  if ("error" in parsed) return parsed;
  const patch: SettingsPatch = {
    ...parsed.values,
    userName: draft.userName,
    userPersona: draft.userPersona,
    systemPrompt: draft.systemPrompt,
  };
  if (draft.templateId !== "") patch.templateId = draft.templateId;
  if (draft.examplesMode === "push" || draft.examplesMode === "keep" || draft.examplesMode === "strip") {
    patch.examplesMode = draft.examplesMode;
  }
  return { patch };
}

/** The sampler values of the form, for "Save as preset". */
export function samplerValues(draft: Draft): { values: Record<string, number> } | { error: ApiError } {
  return parseNumbers(draft, SAMPLING_FIELDS);
}

/**
 * Only what differs from the stored settings: the core reloads the model when `threads` or
 * `contextSize` appear in a patch, even unchanged.
 */
export function changedOnly(patch: SettingsPatch, settings: Settings | null): SettingsPatch {
  if (!settings) return patch;
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (settings[key as keyof Settings] !== value) changed[key] = value;
  }
  return changed as SettingsPatch;
}

import { z } from "zod";
import { backendSchema, LOCAL_BACKEND } from "./backend";

/** App settings: one schema for every host (electron-store under Electron, conf elsewhere). */
export const settingsSchema = z.object({
  userName: z.string().trim().min(1).max(100),
  modelPath: z.string().max(4096),
  /** 0 = choose automatically for this machine. */
  threads: z.number().int().min(0).max(256),
  contextSize: z.number().int().min(256).max(262_144),
  maxTokens: z.number().int().min(1).max(8192),
  temperature: z.number().min(0).max(5),
  topP: z.number().min(0).max(1),
  topK: z.number().int().min(0).max(1000),
  minP: z.number().min(0).max(1),
  repeatPenalty: z.number().min(1).max(3),
  /** Tokens of recent history and reply the repeat penalties look at. */
  repeatLastN: z.number().int().min(0).max(8192),
  frequencyPenalty: z.number().min(0).max(2),
  presencePenalty: z.number().min(0).max(2),
  /** DRY: 0 = off. */
  dryMultiplier: z.number().min(0).max(5),
  dryBase: z.number().min(1).max(4),
  dryAllowedLength: z.number().int().min(0).max(20),
  /** XTC: 0 = off. */
  xtcProbability: z.number().min(0).max(1),
  xtcThreshold: z.number().min(0).max(1),
  /** Who the user is in the story (their persona), sent with the character's. */
  userPersona: z.string().max(20_000),
  /** "" = the built-in system prompt; a card's own system prompt replaces it ({{original}} inserts it). */
  systemPrompt: z.string().max(20_000),
  /** "auto" (the model's own template, else Pygmalion), "model", or a built-in template id. */
  templateId: z.string().min(1).max(40),
  examplesMode: z.enum(["push", "keep", "strip"]),
  /** Per model file: measured or chosen thread count and template. */
  modelOverrides: z.record(
    z.string(),
    z
      .object({
        threads: z.number().int().min(1).max(256).optional(),
        templateId: z.string().max(40).optional(),
      })
      .strict(),
  ),
  samplerPresets: z.array(
    z.object({ name: z.string().trim().min(1).max(60), values: z.record(z.string(), z.number()) }).strict(),
  ),
  theme: z.enum(["system", "light", "dark"]),
  /** The author's note for chats without their own: text, messages from the end, every N turns. */
  authorNote: z.string().max(20_000),
  authorNoteDepth: z.number().int().min(0).max(1000),
  authorNoteEvery: z.number().int().min(1).max(1000),
  /** Lorebooks: messages scanned for keys, the budget (share of the context, cap; 0 = none), recursion steps. */
  loreScanDepth: z.number().int().min(0).max(1000),
  loreBudgetPercent: z.number().min(0).max(100),
  loreBudgetCap: z.number().int().min(0).max(262_144),
  loreRecursionSteps: z.number().int().min(0).max(10),
  /** "cache": lore that comes and goes follows the message that fired it (see docs/lore-caching.md); "as-written": SillyTavern's layout. */
  lorePlacement: z.enum(["cache", "as-written"]),
  /** Remote inference servers (see shared/domain/backend.ts); names are unique. */
  backends: z
    .array(backendSchema)
    .max(50)
    .refine(
      (list) => new Set(list.map((b) => b.name)).size === list.length,
      "backends: names must be unique",
    ),
  /** "local" or the name of one of `backends`: every generation runs there. */
  activeBackend: z.string().min(1).max(40),
  /** Disk space for chats' saved KV-cache states (MB); least recently used go first; 0 = none kept. */
  kvStateBudgetMB: z.number().int().min(0).max(1_048_576),
  /** LoRA adapters of the library on every chat without its own set, in order. */
  loraAdapters: z
    .array(z.object({ adapterId: z.number().int().positive(), scale: z.number().min(-10).max(10) }).strict())
    .max(8),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = {
  userName: "User",
  modelPath: "",
  threads: 0,
  contextSize: 4096,
  maxTokens: 300,
  temperature: 0.8,
  topP: 1,
  topK: 0,
  minP: 0.05,
  repeatPenalty: 1.08,
  repeatLastN: 256,
  frequencyPenalty: 0,
  presencePenalty: 0,
  dryMultiplier: 0,
  dryBase: 1.75,
  dryAllowedLength: 2,
  xtcProbability: 0,
  xtcThreshold: 0.1,
  userPersona: "",
  systemPrompt: "",
  templateId: "auto",
  examplesMode: "push",
  modelOverrides: {},
  samplerPresets: [],
  theme: "system",
  authorNote: "",
  authorNoteDepth: 4,
  authorNoteEvery: 1,
  loreScanDepth: 2,
  loreBudgetPercent: 25,
  loreBudgetCap: 0,
  loreRecursionSteps: 3,
  lorePlacement: "cache",
  backends: [],
  activeBackend: LOCAL_BACKEND,
  kvStateBudgetMB: 512,
  loraAdapters: [],
};

/** The settings that make up a sampler preset. */
export const SAMPLER_KEYS = [
  "temperature",
  "topP",
  "topK",
  "minP",
  "repeatPenalty",
  "repeatLastN",
  "frequencyPenalty",
  "presencePenalty",
  "dryMultiplier",
  "dryBase",
  "dryAllowedLength",
  "xtcProbability",
  "xtcThreshold",
] as const satisfies readonly SettingsKey[];

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Parses one key's value from text (the CLI's `settings set KEY VALUE`). */
export function parseSettingValue(key: SettingsKey, raw: string): unknown {
  const sample = DEFAULT_SETTINGS[key];
  if (typeof sample === "number") {
    const n = Number(raw);
    return raw.trim() === "" || Number.isNaN(n) ? raw : n;
  }
  if (typeof sample === "object") {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

export function isSettingsKey(key: string): key is SettingsKey {
  return Object.hasOwn(DEFAULT_SETTINGS, key);
}

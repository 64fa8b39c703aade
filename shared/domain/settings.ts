import { z } from "zod";

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
  theme: z.enum(["system", "light", "dark"]),
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
  theme: "system",
};

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Parses one key's value from text (the CLI's `settings set KEY VALUE`). */
export function parseSettingValue(key: SettingsKey, raw: string): unknown {
  const sample = DEFAULT_SETTINGS[key];
  if (typeof sample === "number") {
    const n = Number(raw);
    return raw.trim() === "" || Number.isNaN(n) ? raw : n;
  }
  return raw;
}

export function isSettingsKey(key: string): key is SettingsKey {
  return Object.hasOwn(DEFAULT_SETTINGS, key);
}

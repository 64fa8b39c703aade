/**
 * Named sampler presets, saved in the settings. Saving without values captures the current
 * sampler settings; applying one writes its values back into the settings.
 */
import { SAMPLER_KEYS, type Settings, type SettingsPatch } from "../../shared/domain/settings";
import { MasqueError } from "../../shared/errors";
import type { SettingsStore } from "../storage/settingsStore";

export function savePreset(store: SettingsStore, name: string, values?: Record<string, number>): Settings {
  const settings = store.getAll();
  const unknown = Object.keys(values ?? {}).filter((k) => !(SAMPLER_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new MasqueError("INVALID_INPUT", `values: not sampler settings: ${unknown.join(", ")}`);
  const captured = values ?? Object.fromEntries(SAMPLER_KEYS.map((k) => [k, settings[k]]));
  const others = settings.samplerPresets.filter((p) => p.name.toLowerCase() !== name.toLowerCase());
  return store.update({ samplerPresets: [...others, { name, values: captured }] });
}

export function applyPreset(store: SettingsStore, name: string): Settings {
  const preset = store.getAll().samplerPresets.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!preset) throw new MasqueError("NOT_FOUND", `preset "${name}" does not exist`);
  return store.update(preset.values as SettingsPatch);
}

export function deletePreset(store: SettingsStore, name: string): Settings {
  const settings = store.getAll();
  const rest = settings.samplerPresets.filter((p) => p.name.toLowerCase() !== name.toLowerCase());
  if (rest.length === settings.samplerPresets.length)
    throw new MasqueError("NOT_FOUND", `preset "${name}" does not exist`);
  return store.update({ samplerPresets: rest });
}

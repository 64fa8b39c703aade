/** Sampler presets and thread calibration: calls behind the settings panel beyond a plain save. */
import type { ThreadCalibrationResult } from "../../../shared/api/contract";
import type { Settings } from "../../../shared/domain/settings";
import { api } from "../bridge";
import { appStore } from "./appStore";
import { refreshModelStatus } from "./libraryActions";

/** Saves a preset: the given sampler values, or the stored ones. Rejects with the core's error. */
export async function savePreset(name: string, values?: Record<string, number>): Promise<Settings> {
  const settings = await api.call("presets.save", { name, ...(values ? { values } : {}) });
  appStore.set({ settings });
  return settings;
}

/** Writes a preset's values into the settings. Rejects with the core's error. */
export async function applyPreset(name: string): Promise<Settings> {
  const settings = await api.call("presets.apply", { name });
  appStore.set({ settings });
  return settings;
}

export async function deletePreset(name: string): Promise<Settings> {
  const settings = await api.call("presets.delete", { name });
  appStore.set({ settings });
  return settings;
}

/** Measures generation speed per thread count; the core keeps the best one for this model. */
export async function calibrateThreads(): Promise<ThreadCalibrationResult> {
  const result = await api.call("model.calibrate", {});
  await Promise.all([
    refreshModelStatus(),
    api.call("settings.get", {}).then((settings) => appStore.set({ settings })),
  ]);
  return result;
}

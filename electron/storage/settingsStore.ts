/**
 * One settings interface for every host. The backend is electron-store under Electron and `conf`
 * elsewhere (electron-store is built on conf, and both expose `store` and `set`). Values are parsed
 * on read: a field that is missing or invalid in the file falls back to its default, so the backend
 * is given no defaults and reading never writes (a read-only data directory still has settings).
 * A write that fails on a full disk or a read-only directory is STORAGE_FULL / STORAGE_READ_ONLY.
 */

import { describeIssues } from "../../shared/api/validate";
import {
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsPatch,
  settingsPatchSchema,
  settingsSchema,
} from "../../shared/domain/settings";
import { MasqueError } from "../../shared/errors";
import { translateStorageError } from "./storageErrors";

export interface SettingsBackend {
  readonly store: Record<string, unknown>;
  set(values: Record<string, unknown>): void;
}

export interface SettingsStore {
  getAll(): Settings;
  update(patch: SettingsPatch): Settings;
}

/** `dataDir` is where the settings file lives; storage errors name it. */
export function createSettingsStore(backend: SettingsBackend, dataDir: string): SettingsStore {
  return {
    getAll: () => readSettings(backend.store),
    update(patch) {
      const parsed = settingsPatchSchema.safeParse(patch);
      if (!parsed.success) {
        throw new MasqueError("INVALID_INPUT", `settings: ${describeIssues(parsed.error.issues)}`);
      }
      // A key given as undefined (Electron's structured clone carries them) means "no change":
      // the store cannot hold undefined, and writing it would throw.
      const changes = Object.fromEntries(
        Object.entries(parsed.data).filter(([, value]) => value !== undefined),
      );
      try {
        backend.set(changes);
      } catch (error) {
        throw translateStorageError(error, dataDir);
      }
      return readSettings(backend.store);
    },
  };
}

function readSettings(raw: Record<string, unknown>): Settings {
  const result = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  const shape = settingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  for (const key of Object.keys(DEFAULT_SETTINGS)) {
    const value = raw[key];
    if (value !== undefined && shape[key]?.safeParse(value).success) result[key] = value;
  }
  return result as Settings;
}

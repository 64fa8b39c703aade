/**
 * Per-model settings keyed by the file's SHA-256 (`modelSettings`), so a moved or renamed file
 * keeps them. The engine and the prompt builder still read the per-path `modelOverrides`
 * (threads, template); the two are kept in step: a value measured under a path is captured for
 * the hash, and a file found under a new path gets its values back.
 */
import type { PerModelSettings } from "../../../shared/domain/modelLibrary";
import type { Settings } from "../../../shared/domain/settings";
import { MasqueError } from "../../../shared/errors";
import { findTemplate } from "../../../shared/prompt/template";
import type { SettingsStore } from "../../storage/settingsStore";

export type PerModelPatch = { [K in keyof PerModelSettings]?: PerModelSettings[K] | null };

const MIRRORED = ["threads", "templateId"] as const;

export function perModelSettings(settings: Settings, sha256: string | null): PerModelSettings {
  return sha256 ? { ...(settings.modelSettings[sha256] ?? {}) } : {};
}

/** Brings `modelSettings[sha256]` and `modelOverrides[path]` in step; writes only when something changed. */
export function syncPerModel(store: SettingsStore, sha256: string, path: string): PerModelSettings {
  const settings = store.getAll();
  const byHash: PerModelSettings = { ...(settings.modelSettings[sha256] ?? {}) };
  const byPath = { ...(settings.modelOverrides[path] ?? {}) };
  let hashChanged = false;
  let pathChanged = false;
  for (const key of MIRRORED) {
    if (byPath[key] !== undefined && byHash[key] === undefined) {
      (byHash as Record<string, unknown>)[key] = byPath[key];
      hashChanged = true;
    } else if (byHash[key] !== undefined && byPath[key] !== byHash[key]) {
      (byPath as Record<string, unknown>)[key] = byHash[key];
      pathChanged = true;
    }
  }
  if (hashChanged || pathChanged) {
    store.update({
      ...(hashChanged ? { modelSettings: { ...settings.modelSettings, [sha256]: byHash } } : {}),
      ...(pathChanged ? { modelOverrides: { ...settings.modelOverrides, [path]: byPath } } : {}),
    });
  }
  return byHash;
}

/** Applies a patch (null clears a value), checking template ids and preset names first. */
export function updatePerModel(
  store: SettingsStore,
  sha256: string,
  path: string,
  patch: PerModelPatch,
): PerModelSettings {
  const settings = store.getAll();
  if (
    patch.templateId != null &&
    !["auto", "model"].includes(patch.templateId) &&
    !findTemplate(patch.templateId)
  ) {
    throw new MasqueError("INVALID_INPUT", `settings.templateId: unknown template "${patch.templateId}"`);
  }
  if (
    patch.samplerPreset != null &&
    !settings.samplerPresets.some((p) => p.name.toLowerCase() === patch.samplerPreset?.toLowerCase())
  ) {
    throw new MasqueError(
      "INVALID_INPUT",
      `settings.samplerPreset: there is no preset "${patch.samplerPreset}"`,
    );
  }
  const next: Record<string, unknown> = { ...(settings.modelSettings[sha256] ?? {}) };
  const overrides: Record<string, unknown> = { ...(settings.modelOverrides[path] ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
    if ((MIRRORED as readonly string[]).includes(key)) {
      if (value === null) delete overrides[key];
      else if (value !== undefined) overrides[key] = value;
    }
  }
  const modelSettings = { ...settings.modelSettings };
  if (Object.keys(next).length === 0) delete modelSettings[sha256];
  else modelSettings[sha256] = next as PerModelSettings;
  const modelOverrides = { ...settings.modelOverrides };
  if (Object.keys(overrides).length === 0) delete modelOverrides[path];
  else modelOverrides[path] = overrides as Settings["modelOverrides"][string];
  store.update({ modelSettings, modelOverrides });
  return { ...(modelSettings[sha256] ?? {}) };
}

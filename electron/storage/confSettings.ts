import Conf from "conf";
import { DEFAULT_SETTINGS } from "../../shared/domain/settings";
import { createSettingsStore, type SettingsStore } from "./settingsStore";

/** Settings for the web host, the CLI and tests: `settings.json` in the data directory. */
export function createConfSettings(dataDir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: "settings",
    defaults: { ...DEFAULT_SETTINGS },
    clearInvalidConfig: false,
  });
  return createSettingsStore(conf);
}

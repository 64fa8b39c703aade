import { join } from "node:path";
import Conf from "conf";
import { MasqueError } from "../../shared/errors";
import { ensureDataDir } from "./dataDir";
import { createSettingsStore, type SettingsStore } from "./settingsStore";

/**
 * Settings for the web host, the CLI and tests: `settings.json` in the data directory. No `defaults`
 * are given to conf (it would write them into the file on opening); the store fills them in on read.
 */
export function createConfSettings(dataDir: string): SettingsStore {
  ensureDataDir(dataDir);
  try {
    const conf = new Conf<Record<string, unknown>>({
      cwd: dataDir,
      configName: "settings",
      // A settings file that cannot be parsed is reported, never silently replaced.
      clearInvalidConfig: false,
    });
    return createSettingsStore(conf, dataDir);
  } catch (error) {
    const file = join(dataDir, "settings.json");
    throw new MasqueError(
      "STORAGE_UNAVAILABLE",
      `Cannot read the settings file ${file}: ${(error as Error).message}`,
      {
        file,
      },
    );
  }
}

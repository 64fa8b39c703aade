import { homedir } from "node:os";
import { join } from "node:path";

export const APP_NAME = "Masque";

/**
 * The data directory outside Electron, chosen to match Electron's `app.getPath("userData")` so the
 * CLI, the web host and the app share one library. `--data-dir` beats MASQUE_DATA_DIR beats this.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.MASQUE_DATA_DIR) return env.MASQUE_DATA_DIR;
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), APP_NAME);
  if (platform === "darwin") return join(homedir(), "Library", "Application Support", APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), APP_NAME);
}

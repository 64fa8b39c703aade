/**
 * The one data-directory rule for every host: `--data-dir DIR` (or `--data-dir=DIR`, anywhere on
 * the command line) beats the MASQUE_DATA_DIR environment variable, which beats the app's own
 * directory: Electron's userData under Electron, the same OS app-data folder ("Masque") elsewhere,
 * so the CLI, the web host and the app share one library. Relative paths resolve against the
 * working directory.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { MasqueError } from "../../shared/errors";

export const APP_NAME = "Masque";
export const DATA_DIR_FLAG = "--data-dir";
export const DATA_DIR_ENV = "MASQUE_DATA_DIR";

/** What Electron's `app.getPath("userData")` is for an app named Masque, computed without Electron. */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), APP_NAME);
  if (platform === "darwin") return join(homedir(), "Library", "Application Support", APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), APP_NAME);
}

/**
 * Splits the data-dir flag from the other arguments. A flag without a directory is an error (never
 * silently ignored: the user asked for a directory and would get another one); the last flag wins.
 */
export function takeDataDirFlag(argv: readonly string[]): { flag: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let flag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let value: string | undefined;
    if (arg === DATA_DIR_FLAG) {
      value = argv[++i];
      if (value?.startsWith("--")) value = undefined;
    } else if (arg.startsWith(`${DATA_DIR_FLAG}=`)) {
      value = arg.slice(DATA_DIR_FLAG.length + 1);
    } else {
      rest.push(arg);
      continue;
    }
    if (value === undefined || value.trim() === "") {
      throw new MasqueError("INVALID_INPUT", `${DATA_DIR_FLAG} needs a directory`);
    }
    flag = value;
  }
  return { flag, rest };
}

/** Applies the rule: the flag, else MASQUE_DATA_DIR (when not blank), else `fallback`. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  fallback: string = appDataDir(env),
): string {
  const fromEnv = env[DATA_DIR_ENV];
  if (flag !== undefined) return resolve(flag);
  if (fromEnv !== undefined && fromEnv.trim() !== "") return resolve(fromEnv);
  return fallback;
}

import { resolve } from "node:path";

/**
 * The data directory: `--data-dir DIR` (or `--data-dir=DIR`) on the command line, else the
 * MASQUE_DATA_DIR environment variable, else Electron's userData path. Relative paths resolve
 * against the working directory.
 */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv, fallback: string): string {
  let fromArgs: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const next = argv[i + 1];
    if (arg === "--data-dir" && next !== undefined && !next.startsWith("--")) fromArgs = next;
    else if (arg.startsWith("--data-dir=")) fromArgs = arg.slice("--data-dir=".length);
  }
  const chosen = [fromArgs, env.MASQUE_DATA_DIR].find((dir) => dir !== undefined && dir.trim() !== "");
  return chosen === undefined ? fallback : resolve(chosen);
}

/**
 * The CLI host: `masque [--data-dir DIR] <command> ...` over the same service core as the app.
 * Exit codes: 0 ok, 1 bad input or not found, 2 anything unexpected.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MasqueError } from "../../../shared/errors";
import { createCore } from "../../services/core";
import { createConfSettings } from "../../storage/confSettings";
import { resolveDataDir } from "../dataDir";
import { PROJECT_ROOT } from "../web/rendererBuild";
import { takeDataDir } from "./args";
import { usageError } from "./cliError";
import { COMMANDS, TOP_LEVEL } from "./commands";
import { createCliContext, type Output } from "./context";
import { USAGE } from "./usage";

export async function runCli(argv: string[], output: Output): Promise<number> {
  try {
    const { dataDir, rest } = takeDataDir(argv);
    const [group, sub, ...args] = rest;
    if (group === undefined || group === "help" || group === "--help" || group === "-h") {
      output.out(USAGE);
      return group === undefined ? 1 : 0;
    }
    const topLevel = TOP_LEVEL[group];
    const command = topLevel ?? COMMANDS[group]?.[sub ?? ""];
    if (!command) {
      throw usageError(
        COMMANDS[group] ? `unknown command "${group} ${sub ?? ""}"` : `unknown command "${group}"`,
      );
    }
    const dir = resolveDataDir(dataDir);
    const core = await createCore({
      dataDir: dir,
      host: "cli",
      settings: createConfSettings(dir),
      version: packageVersion(),
      log: (line) => output.err(`${line}\n`),
    });
    try {
      return await command(createCliContext(core, output), topLevel ? rest.slice(1) : args);
    } finally {
      await core.dispose();
    }
  } catch (error) {
    if (error instanceof MasqueError) {
      output.err(`${error.code}: ${error.message}\n`);
      return error.code === "INTERNAL" ? 2 : 1;
    }
    output.err(`INTERNAL: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

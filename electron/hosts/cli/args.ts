import { parseArgs } from "node:util";
import { takeDataDirFlag } from "../dataDir";
import { usageError } from "./cliError";

type OptionSpec = Record<string, { type: "string" | "boolean" }>;

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** Parses one command's arguments strictly: unknown flags are a usage error that names the flag. */
export function parseCommand(args: string[], options: OptionSpec, positionals: { min: number; max: number }) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw usageError("missing argument");
  if (count > positionals.max)
    throw usageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
  return { positionals: parsed.positionals, values: parsed.values as ParsedCommand["values"] };
}

/** Splits `--data-dir DIR` (accepted anywhere) from the rest; a flag without a directory is a usage error. */
export function takeDataDir(argv: string[]): { dataDir: string | undefined; rest: string[] } {
  try {
    const { flag, rest } = takeDataDirFlag(argv);
    return { dataDir: flag, rest };
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

export function intOption(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n)) throw usageError(`${name} must be a whole number`);
  return n;
}

export function numberOption(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || Number.isNaN(n))
    throw usageError(`${name} must be a number`);
  return n;
}

export function idArgument(value: string | undefined, what: string): number {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n <= 0)
    throw usageError(`${what} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * `export pippa|metharme|sillytavern` and `validate`. Exports are previewed first: when the scan
 * flags possible personal data and `--accept-flagged` is missing, nothing is written, the flagged
 * spans are printed, and the command fails with INVALID_INPUT. Every PIPPA file written is run
 * through the strict validator before the command reports success.
 */
import { resolve } from "node:path";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import type { ExportPreview, ExportSelection, PippaValidation } from "../../../shared/api/contract";
import { MasqueError } from "../../../shared/errors";
import type { FlaggedSpan } from "../../../shared/redaction/types";
import { idArgument } from "./args";
import { usageError } from "./cliError";
import type { CliContext } from "./context";
import { printJson, writeExportedFile } from "./output";

type Command = (ctx: CliContext, args: string[]) => Promise<number>;

const SELECTION = {
  chat: { type: "string", multiple: true },
  character: { type: "string", multiple: true },
  all: { type: "boolean" },
  alias: { type: "string", multiple: true },
  out: { type: "string" },
  "accept-flagged": { type: "boolean" },
  json: { type: "boolean" },
} as const;

function parse<O extends ParseArgsOptionsConfig>(args: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length < positionals) throw usageError("missing argument");
    if (parsed.positionals.length > positionals)
      throw usageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`);
    return parsed;
  } catch (error) {
    throw error instanceof MasqueError ? error : usageError((error as Error).message);
  }
}

interface SelectionFlags {
  chat?: string[] | undefined;
  character?: string[] | undefined;
  all?: boolean | undefined;
}

function selectionOf(values: SelectionFlags, command: string): ExportSelection {
  const given = [values.chat, values.character, values.all].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw usageError(`${command} needs exactly one of --chat ID..., --character ID... or --all`);
  if (values.chat) return { chatIds: values.chat.map((v) => idArgument(v, "--chat")) };
  if (values.character) return { characterIds: values.character.map((v) => idArgument(v, "--character")) };
  return { all: true };
}

function outOf(values: { out?: string | undefined }, command: string): string {
  if (typeof values.out !== "string" || values.out === "") throw usageError(`${command} needs --out FILE`);
  return resolve(values.out);
}

function where(span: FlaggedSpan): string {
  const scope = span.chatId === null ? `character ${span.characterId}` : `chat ${span.chatId}`;
  return span.messageIndex === null || span.field === "greeting"
    ? `${scope}, ${span.field}`
    : `${scope}, message ${span.messageIndex}`;
}

/** Stops before writing when spans are flagged and not accepted; prints them first. */
function refuseFlagged(ctx: CliContext, preview: ExportPreview, json: boolean): never {
  const n = preview.flagged.length;
  if (json) {
    printJson(ctx, {
      file: null,
      chats: preview.chats,
      messages: preview.messages,
      redactions: { names: preview.replacements.length, emails: 0, phones: 0, urls: 0, other: 0 },
      flagged: preview.flagged,
    });
  } else {
    ctx.out(`${n} span${n === 1 ? "" : "s"} flagged as possible personal data; nothing was written:\n`);
    for (const span of preview.flagged)
      ctx.out(`  [${span.kind}] ${where(span)}: ${JSON.stringify(span.text)}  ${span.context}\n`);
  }
  throw new MasqueError(
    "INVALID_INPUT",
    `${n} span${n === 1 ? "" : "s"} flagged as possible personal data; nothing written. ` +
      "Check them, edit the chats if needed, then run again with --accept-flagged to replace them by placeholders.",
  );
}

async function checkWritten(ctx: CliContext, path: string): Promise<PippaValidation> {
  const check = await ctx.call("files.validatePippa", { path, strict: true });
  if (check.invalidCount > 0) {
    const first = check.invalid[0];
    throw new MasqueError("INTERNAL", `${path} failed validation: line ${first?.line}: ${first?.reason}`);
  }
  return check;
}

async function previewOrRefuse(
  ctx: CliContext,
  selection: ExportSelection,
  aliases: string[],
  accept: boolean,
  json: boolean,
) {
  const preview = await ctx.call("export.preview", { selection, aliases });
  if (preview.flagged.length > 0 && !accept) refuseFlagged(ctx, preview, json);
  for (const warning of preview.warnings) ctx.err(`warning: ${warning}\n`);
  return preview;
}

export const EXPORT_COMMANDS: Record<string, Command> = {
  async pippa(ctx, args) {
    const { values } = parse(args, SELECTION);
    const selection = selectionOf(values, "export pippa");
    const out = outOf(values, "export pippa");
    const accept = values["accept-flagged"] === true;
    const json = values.json === true;
    await previewOrRefuse(ctx, selection, values.alias ?? [], accept, json);
    const result = await ctx.call("export.pippa", {
      selection,
      aliases: values.alias ?? [],
      acceptFlagged: accept ? "all" : [],
    });
    if (!accept && result.flagged.length > 0)
      throw new MasqueError("INVALID_INPUT", "the chats changed while exporting; run again");
    await writeExportedFile(out, result);
    await checkWritten(ctx, out);
    const { chats, messages, redactions, flagged } = result;
    if (json) printJson(ctx, { file: out, chats, messages, redactions, flagged });
    else {
      ctx.out(`Wrote ${out}: ${chats} chats, ${messages} messages\n`);
      ctx.out(
        `  replaced: ${redactions.names} names, ${redactions.emails} e-mails, ${redactions.phones} phones, ` +
          `${redactions.urls} URLs, ${redactions.other} other\n`,
      );
    }
    return 0;
  },
  async metharme(ctx, args) {
    const { values } = parse(args, { ...SELECTION, mode: { type: "string" } } as const);
    const selection = selectionOf(values, "export metharme");
    const out = outOf(values, "export metharme");
    const mode = values.mode ?? "turn";
    if (mode !== "turn" && mode !== "chat") throw usageError("--mode must be turn or chat");
    const json = values.json === true;
    await previewOrRefuse(ctx, selection, values.alias ?? [], values["accept-flagged"] === true, json);
    const result = await ctx.call("export.metharme", {
      selection,
      aliases: values.alias ?? [],
      acceptFlagged: "all",
      mode,
    });
    await writeExportedFile(out, result);
    const { records, chats, messages, redactions } = result;
    if (json) printJson(ctx, { file: out, records, chats, messages, redactions });
    else ctx.out(`Wrote ${out}: ${records} records from ${chats} chats\n`);
    return 0;
  },
  async sillytavern(ctx, args) {
    const { values } = parse(args, {
      chat: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
    } as const);
    const chatId = idArgument(values.chat, "--chat");
    const out = outOf(values, "export sillytavern");
    const file = await ctx.call("export.sillytavern", { chatId });
    await writeExportedFile(out, file);
    if (values.json) printJson(ctx, { file: out, fileName: file.fileName });
    else ctx.out(`Wrote ${out}\n`);
    return 0;
  },
};

export async function validateCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parse(
    args,
    { strict: { type: "boolean" }, json: { type: "boolean" } } as const,
    1,
  );
  const path = resolve(positionals[0] as string);
  const result = await ctx.call("files.validatePippa", { path, strict: values.strict === true });
  if (values.json) printJson(ctx, result);
  else {
    ctx.out(
      `${path}: ${result.lines} lines, ${result.valid} valid, ${result.invalidCount} invalid, ${result.warningCount} warnings\n`,
    );
    for (const e of result.invalid) ctx.out(`  line ${e.line}: error: ${e.reason}\n`);
    for (const w of result.warnings) ctx.out(`  line ${w.line}: warning: ${w.reason}\n`);
  }
  if (result.invalidCount > 0) {
    throw new MasqueError("INVALID_INPUT", `${result.invalidCount} of ${result.lines} lines are invalid`);
  }
  return 0;
}

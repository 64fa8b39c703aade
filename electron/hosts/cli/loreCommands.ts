/**
 * `personas create | list | use` and `lorebooks import | list | show | export | attach | detach`.
 */
import { resolve } from "node:path";
import type { LorebookRecord, LorePosition } from "../../../shared/domain/lore";
import { idArgument, parseCommand } from "./args";
import { usageError } from "./cliError";
import type { CliContext } from "./context";
import { printJson, writeExportedFile } from "./output";

type Command = (ctx: CliContext, args: string[]) => Promise<number>;

const json = { json: { type: "boolean" } } as const;

export const PERSONA_COMMANDS: Record<string, Command> = {
  async create(ctx, args) {
    const { values } = parseCommand(
      args,
      { name: { type: "string" }, description: { type: "string" }, ...json },
      { min: 0, max: 0 },
    );
    if (typeof values.name !== "string") throw usageError("personas create needs --name NAME");
    const persona = await ctx.call("personas.create", {
      name: values.name,
      ...(typeof values.description === "string" ? { description: values.description } : {}),
    });
    if (values.json) printJson(ctx, persona);
    else ctx.out(`Created persona ${persona.id}: ${persona.name}\n`);
    return 0;
  },
  async list(ctx, args) {
    const { values } = parseCommand(args, json, { min: 0, max: 0 });
    const personas = await ctx.call("personas.list", {});
    if (values.json) printJson(ctx, personas);
    else if (personas.length === 0)
      ctx.out("No personas yet. Create one with: masque personas create --name NAME\n");
    else
      for (const p of personas)
        ctx.out(`${String(p.id).padStart(5)}  ${p.name}${p.isDefault ? "  (default)" : ""}\n`);
    return 0;
  },
  /** The default persona for new chats. */
  async use(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    const persona = await ctx.call("personas.setDefault", { id: idArgument(positionals[0], "PERSONA_ID") });
    if (values.json) printJson(ctx, persona);
    else if (persona) ctx.out(`Default persona: ${persona.name} (#${persona.id})\n`);
    return 0;
  },
};

export const LOREBOOK_COMMANDS: Record<string, Command> = {
  async import(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    const result = await ctx.call("lorebooks.import", {
      source: { path: resolve(positionals[0] as string) },
    });
    for (const warning of result.warnings) ctx.err(`warning: ${warning}\n`);
    if (values.json) printJson(ctx, { id: result.id, name: result.name, entries: result.entries });
    else
      ctx.out(
        `Imported lorebook ${result.id}: ${result.name} (${result.entries} entries, ${ORIGIN[result.origin]})\n`,
      );
    return 0;
  },
  async list(ctx, args) {
    const { values } = parseCommand(args, json, { min: 0, max: 0 });
    const books = await ctx.call("lorebooks.list", {});
    if (values.json) printJson(ctx, books);
    else if (books.length === 0) ctx.out("No lorebooks yet. Import one with: masque lorebooks import FILE\n");
    else
      for (const b of books) {
        const attached = b.attachments.map((a) =>
          a.scope === "global" ? "global" : `${a.scope} ${a.targetId}`,
        );
        ctx.out(
          `${String(b.id).padStart(5)}  ${b.name}  (${b.entries} entries)${attached.length ? `  [${attached.join(", ")}]` : ""}\n`,
        );
      }
    return 0;
  },
  async show(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    const book = await ctx.call("lorebooks.get", { id: idArgument(positionals[0], "LOREBOOK_ID") });
    if (values.json) printJson(ctx, book);
    else printBook(ctx, book);
    return 0;
  },
  async export(ctx, args) {
    const { positionals, values } = parseCommand(
      args,
      { format: { type: "string" }, out: { type: "string" } },
      { min: 1, max: 1 },
    );
    const format = values.format;
    if (format !== "worldinfo" && format !== "character_book") {
      throw usageError("lorebooks export needs --format worldinfo|character_book");
    }
    if (typeof values.out !== "string" || values.out === "")
      throw usageError("lorebooks export needs --out FILE");
    const file = await ctx.call("lorebooks.export", {
      id: idArgument(positionals[0], "LOREBOOK_ID"),
      format,
    });
    await writeExportedFile(values.out, file);
    ctx.err(`Wrote ${values.out}\n`);
    return 0;
  },
  attach: (ctx, args) => attachment(ctx, args, "lorebooks.attach"),
  detach: (ctx, args) => attachment(ctx, args, "lorebooks.detach"),
};

const ORIGIN = {
  worldinfo: "from SillyTavern world info",
  character_book: "from a card book",
  card: "from a character card",
  manual: "written in Masque",
} as const;

async function attachment(ctx: CliContext, args: string[], method: "lorebooks.attach" | "lorebooks.detach") {
  const { positionals, values } = parseCommand(
    args,
    { global: { type: "boolean" }, character: { type: "string" }, chat: { type: "string" }, ...json },
    { min: 1, max: 1 },
  );
  const given = [values.global, values.character, values.chat].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw usageError(`${method.replace(".", " ")} needs exactly one of --global, --character ID, --chat ID`);
  const id = idArgument(positionals[0], "LOREBOOK_ID");
  const target =
    values.character !== undefined
      ? { scope: "character" as const, targetId: idArgument(values.character as string, "--character") }
      : values.chat !== undefined
        ? { scope: "chat" as const, targetId: idArgument(values.chat as string, "--chat") }
        : { scope: "global" as const };
  const summary = await ctx.call(method, { id, ...target });
  if (values.json) printJson(ctx, summary);
  else
    ctx.out(
      `${summary.name}: ${summary.attachments.map((a) => (a.targetId === null ? a.scope : `${a.scope} ${a.targetId}`)).join(", ") || "not attached"}\n`,
    );
  return 0;
}

function printBook(ctx: CliContext, book: LorebookRecord): void {
  ctx.out(`#${book.id} ${book.name} (${book.entries.length} entries, ${ORIGIN[book.origin]})\n`);
  if (book.description) ctx.out(`${book.description}\n`);
  for (const e of book.entries) {
    const flags = [
      e.constant ? "constant" : "",
      e.enabled ? "" : "disabled",
      e.probability < 100 ? `${e.probability}%` : "",
    ]
      .filter(Boolean)
      .join(", ");
    const keys = e.keys.length ? e.keys.join(", ") : "(no keys)";
    ctx.out(`\n[${e.uid}] ${e.name || keys}  — ${where(e.position)}${flags ? `  (${flags})` : ""}\n`);
    ctx.out(
      `  keys: ${keys}${e.secondaryKeys.length && e.selective ? `  ${e.logic}: ${e.secondaryKeys.join(", ")}` : ""}\n`,
    );
    ctx.out(`  ${e.content.replace(/\n/g, "\n  ")}\n`);
  }
}

function where(position: LorePosition): string {
  switch (position.at) {
    case "depth":
      return `at depth ${position.depth} as ${position.role}`;
    case "unsupported":
      return `position ${position.code} (not supported)`;
    default:
      return position.at;
  }
}

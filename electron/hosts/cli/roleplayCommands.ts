/** `chats regenerate | continue | swipes | prompt`: the role-play operations from the command line. */
import type { GenerationOptions, PromptReport } from "../../../shared/api/contract";
import type { LoraAttachment } from "../../services/engine/engine";
import { idArgument, intOption, numberOption, parseCommand } from "./args";
import type { CliContext } from "./context";
import { takeLoraFlags } from "./loraFlags";
import { followGeneration, loadModelFor, replyJson } from "./sendCommand";

const generationFlags = {
  model: { type: "string" },
  "max-tokens": { type: "string" },
  seed: { type: "string" },
  temperature: { type: "string" },
  threads: { type: "string" },
  json: { type: "boolean" },
} as const;

function generationOptions(
  values: Record<string, string | boolean | undefined>,
  lora: LoraAttachment[] | undefined,
): GenerationOptions {
  const maxTokens = intOption(values["max-tokens"], "--max-tokens");
  const seed = intOption(values.seed, "--seed");
  const temperature = numberOption(values.temperature, "--temperature");
  return {
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(seed === undefined ? {} : { seed }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(lora === undefined ? {} : { lora }),
  };
}

async function prepare(ctx: CliContext, values: Record<string, string | boolean | undefined>) {
  await loadModelFor(
    ctx,
    typeof values.model === "string" ? values.model : undefined,
    intOption(values.threads, "--threads"),
  );
}

export async function regenerateCommand(ctx: CliContext, all: string[]): Promise<number> {
  const { lora, rest: args } = takeLoraFlags(all);
  const { positionals, values } = parseCommand(
    args,
    { ...generationFlags, message: { type: "string" }, as: { type: "string" } },
    { min: 1, max: 1 },
  );
  await prepare(ctx, values);
  const chatId = idArgument(positionals[0], "CHAT_ID");
  const messageId =
    values.message === undefined ? undefined : idArgument(values.message as string, "--message");
  const as = values.as === undefined ? undefined : idArgument(values.as as string, "--as");
  const { outcome } = await followGeneration(
    ctx,
    (generationId) =>
      ctx.call("chats.regenerate", {
        chatId,
        ...(messageId === undefined ? {} : { messageId }),
        ...(as === undefined ? {} : { asCharacterId: as }),
        options: generationOptions(values, lora),
        generationId,
      }),
    values.json === true,
  );
  if (!("message" in outcome)) return 2;
  if (values.json) ctx.out(`${JSON.stringify({ chatId, reply: replyJson(outcome.message) })}\n`);
  else ctx.out(`\n[swipe ${outcome.message.siblingIndex + 1}/${outcome.message.siblingCount}]\n`);
  return 0;
}

export async function continueCommand(ctx: CliContext, all: string[]): Promise<number> {
  const { lora, rest: args } = takeLoraFlags(all);
  const { positionals, values } = parseCommand(args, generationFlags, { min: 1, max: 1 });
  await prepare(ctx, values);
  const chatId = idArgument(positionals[0], "CHAT_ID");
  const { outcome } = await followGeneration(
    ctx,
    (generationId) =>
      ctx.call("chats.continue", { chatId, options: generationOptions(values, lora), generationId }),
    values.json === true,
  );
  if (!("message" in outcome)) return 2;
  if (values.json) ctx.out(`${JSON.stringify({ chatId, reply: replyJson(outcome.message) })}\n`);
  else ctx.out("\n");
  return 0;
}

export async function swipesCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parseCommand(args, { json: { type: "boolean" } }, { min: 1, max: 1 });
  const swipes = await ctx.call("chats.swipes", { messageId: idArgument(positionals[0], "MESSAGE_ID") });
  if (values.json) ctx.out(`${JSON.stringify(swipes, null, 2)}\n`);
  else for (const s of swipes) ctx.out(`[${s.siblingIndex + 1}/${s.siblingCount}] #${s.id}: ${s.text}\n\n`);
  return 0;
}

function printLore(ctx: CliContext, lore: PromptReport["lore"]) {
  if (lore.persona) ctx.out(`\nPersona: ${lore.persona.name} (#${lore.persona.id})\n`);
  if (lore.note) ctx.out(`Author's note: depth ${lore.note.depth}, every ${lore.note.every} turns\n`);
  if (lore.fired.length > 0) ctx.out(`\nLore (${lore.used} of ${lore.budget} tokens):\n`);
  for (const f of lore.fired) ctx.out(`  ${f.id} ${f.name}: ${f.why}; ${f.placed ?? "not placed"}\n`);
  for (const d of lore.dropped) ctx.out(`  dropped ${d.id} (${d.tokens} tokens): ${d.reason}\n`);
  for (const u of lore.unplaced) ctx.out(`  left out ${u.id}: ${u.reason}\n`);
  for (const s of lore.skipped) ctx.out(`  skipped ${s.id}: ${s.reason}\n`);
  for (const p of lore.problems) ctx.out(`  problem: ${p}\n`);
}

export async function promptCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parseCommand(args, { json: { type: "boolean" } }, { min: 1, max: 1 });
  const report = await ctx.call("chats.prompt", { chatId: idArgument(positionals[0], "CHAT_ID") });
  if (values.json) {
    ctx.out(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  ctx.out(
    `Template: ${report.templateLabel}\nPrompt: ${report.promptTokens} tokens of a ${report.budget}-token budget ` +
      `(context ${report.contextSize}, ${report.maxReplyTokens} reserved for the reply)\n\n`,
  );
  for (const b of report.blocks)
    ctx.out(
      `${b.kind.padEnd(14)} ${String(b.tokens).padStart(6)}  ${b.text.replace(/\n/g, "⏎").slice(0, 70)}\n`,
    );
  for (const d of report.dropped)
    ctx.out(`dropped ${d.kind} ${d.messageId ?? ""} (${d.tokens} tokens): ${d.reason}\n`);
  printLore(ctx, report.lore);
  if (report.lastReply) {
    ctx.out(
      `\nLast reply: ${report.lastReply.reusedTokens} prompt tokens from the cache, ${report.lastReply.evaluatedTokens} evaluated\n`,
    );
  }
  return 0;
}

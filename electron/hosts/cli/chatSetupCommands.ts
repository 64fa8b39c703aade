/**
 * `chats new` (one character, or two or more: a group chat), `chats set` (persona, lorebooks,
 * author's note) and `chats member` (add, mute, unmute, remove, talkativeness).
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import type { ChatView } from "../../../shared/domain/chat";
import { idArgument, intOption, numberOption } from "./args";
import { usageError } from "./cliError";
import type { CliContext } from "./context";
import { printJson } from "./output";

function parse<O extends ParseArgsOptionsConfig>(args: string[], options: O, min: number, max: number) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  if (parsed.positionals.length < min) throw usageError("missing argument");
  if (parsed.positionals.length > max) {
    throw usageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  }
  return parsed;
}

const setupFlags = {
  persona: { type: "string" },
  lorebook: { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

/** Checks the persona and the books exist before anything is created or changed. */
async function checkSetup(ctx: CliContext, persona: number | undefined, lorebooks: number[]) {
  if (persona !== undefined) await ctx.call("personas.get", { id: persona });
  for (const id of lorebooks) await ctx.call("lorebooks.get", { id });
}

async function applySetup(ctx: CliContext, chatId: number, persona: number | undefined, lorebooks: number[]) {
  if (persona !== undefined) await ctx.call("personas.setForChat", { chatId, personaId: persona });
  for (const id of lorebooks) await ctx.call("lorebooks.attach", { id, scope: "chat", targetId: chatId });
}

/** What `chats set --json` prints: the chat's persona, books and note after the change. */
async function chatSetup(ctx: CliContext, chatId: number) {
  return {
    chatId,
    persona: await ctx.call("personas.forChat", { chatId }),
    lorebooks: await ctx.call("lorebooks.forChat", { chatId }),
    note: await ctx.call("notes.get", { chatId }),
  };
}

export async function newChatCommand(
  ctx: CliContext,
  args: string[],
  printChat: (ctx: CliContext, view: ChatView) => void,
): Promise<number> {
  const { positionals, values } = parse(args, setupFlags, 1, 21);
  const [first, ...others] = positionals.map((p) => idArgument(p, "CHARACTER_ID"));
  const persona = values.persona === undefined ? undefined : idArgument(values.persona, "--persona");
  const lorebooks = (values.lorebook ?? []).map((v) => idArgument(v, "--lorebook"));
  await checkSetup(ctx, persona, lorebooks);
  const created = await ctx.call("chats.create", {
    characterId: first as number,
    ...(others.length > 0 ? { otherCharacterIds: others } : {}),
  });
  await applySetup(ctx, created.chat.id, persona, lorebooks);
  const view =
    persona === undefined && lorebooks.length === 0
      ? created
      : await ctx.call("chats.get", { chatId: created.chat.id });
  if (values.json) printJson(ctx, view);
  else {
    if (view.group) printMembers(ctx, view);
    printChat(ctx, view);
  }
  return 0;
}

export async function setChatCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parse(
    args,
    {
      ...setupFlags,
      note: { type: "string" },
      "note-depth": { type: "string" },
      "note-every": { type: "string" },
      "clear-note": { type: "boolean" },
    },
    1,
    1,
  );
  const chatId = idArgument(positionals[0], "CHAT_ID");
  const persona = values.persona === undefined ? undefined : idArgument(values.persona, "--persona");
  const lorebooks = (values.lorebook ?? []).map((v) => idArgument(v, "--lorebook"));
  const depth = intOption(values["note-depth"], "--note-depth");
  const every = intOption(values["note-every"], "--note-every");
  if (depth !== undefined && depth < 0) throw usageError("--note-depth must be 0 or more");
  if (every !== undefined && every < 1) throw usageError("--note-every must be 1 or more");
  if (values["clear-note"] && (values.note !== undefined || depth !== undefined || every !== undefined)) {
    throw usageError("--clear-note cannot be combined with --note, --note-depth or --note-every");
  }
  await ctx.call("chats.get", { chatId, limit: 1 });
  await checkSetup(ctx, persona, lorebooks);
  await applySetup(ctx, chatId, persona, lorebooks);
  if (values["clear-note"]) await ctx.call("notes.set", { chatId, note: null });
  else if (values.note !== undefined || depth !== undefined || every !== undefined) {
    const current = (await ctx.call("notes.get", { chatId })).effective;
    await ctx.call("notes.set", {
      chatId,
      note: {
        text: values.note ?? current.text,
        depth: depth ?? current.depth,
        every: every ?? current.every,
      },
    });
  }
  const setup = await chatSetup(ctx, chatId);
  if (values.json) printJson(ctx, setup);
  else {
    ctx.out(`Chat ${chatId}\n`);
    ctx.out(
      `Persona: ${setup.persona.persona ? `${setup.persona.persona.name} (#${setup.persona.persona.id})` : "none"}\n`,
    );
    ctx.out(`Lorebooks: ${setup.lorebooks.map((b) => `${b.name} (${b.via})`).join(", ") || "none"}\n`);
    const note = setup.note.effective;
    ctx.out(
      `Author's note${setup.note.own ? "" : " (the default)"}: ${note.text ? JSON.stringify(note.text) : "none"}, depth ${note.depth}, every ${note.every} turns\n`,
    );
  }
  return 0;
}

export async function memberCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parse(
    args,
    {
      add: { type: "boolean" },
      mute: { type: "boolean" },
      unmute: { type: "boolean" },
      remove: { type: "boolean" },
      talkativeness: { type: "string" },
      json: { type: "boolean" },
    },
    2,
    2,
  );
  const chatId = idArgument(positionals[0], "CHAT_ID");
  const characterId = idArgument(positionals[1], "CHARACTER_ID");
  const actions = [values.add, values.mute, values.unmute, values.remove].filter(Boolean).length;
  const talkativeness = numberOption(values.talkativeness, "--talkativeness");
  if (actions > 1 || (actions === 0 && talkativeness === undefined)) {
    throw usageError("chats member needs one of --add, --mute, --unmute, --remove, or --talkativeness X");
  }
  if (talkativeness !== undefined && (talkativeness < 0 || talkativeness > 1)) {
    throw usageError("--talkativeness must be between 0 and 1");
  }
  let view: ChatView;
  if (values.add) view = await ctx.call("chats.addMember", { chatId, characterId });
  else
    view = await ctx.call("chats.setMember", {
      chatId,
      characterId,
      ...(values.mute ? { muted: true } : {}),
      ...(values.unmute ? { muted: false } : {}),
      ...(values.remove ? { remove: true as const } : {}),
      ...(talkativeness === undefined ? {} : { talkativeness }),
    });
  if (values.json) printJson(ctx, view.members);
  else printMembers(ctx, view);
  return 0;
}

function printMembers(ctx: CliContext, view: ChatView) {
  for (const m of view.members) {
    ctx.out(
      `${String(m.characterId).padStart(5)}  ${m.name}${m.muted ? "  (muted)" : ""}  talkativeness ${m.talkativeness}\n`,
    );
  }
}

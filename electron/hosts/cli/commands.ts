import type { CharacterRecord } from "../../../shared/domain/card";
import type { ChatView, Message } from "../../../shared/domain/chat";
import { isSettingsKey, parseSettingValue } from "../../../shared/domain/settings";
import type { MasqueError } from "../../../shared/errors";
import { runWeb } from "../web/runWeb";
import { ADAPTER_COMMANDS } from "./adaptersCommand";
import { idArgument, intOption, numberOption, parseCommand } from "./args";
import { BACKEND_COMMANDS } from "./backendCommands";
import { benchChatCommand } from "./benchChat";
import { memberCommand, newChatCommand, setChatCommand } from "./chatSetupCommands";
import { usageError } from "./cliError";
import type { CliContext } from "./context";
import { EVAL_COMMANDS } from "./evalCommands";
import { EXPORT_COMMANDS, validateCommand } from "./exportCommand";
import { importFile } from "./importCommand";
import { takeLoraFlags } from "./loraFlags";
import { LOREBOOK_COMMANDS, PERSONA_COMMANDS } from "./loreCommands";
import { MODELS_COMMANDS } from "./modelsCommand";
import { printJson, writeExportedFile } from "./output";
import { continueCommand, promptCommand, regenerateCommand, swipesCommand } from "./roleplayCommands";
import { sendMessage } from "./sendCommand";
import { chatStateCommand } from "./stateCommand";

type Command = (ctx: CliContext, args: string[]) => Promise<number>;

const json = { json: { type: "boolean" } } as const;

export const COMMANDS: Record<string, Record<string, Command>> = {
  bench: { chat: benchChatCommand },
  backends: BACKEND_COMMANDS,
  export: EXPORT_COMMANDS,
  eval: EVAL_COMMANDS,
  personas: PERSONA_COMMANDS,
  lorebooks: LOREBOOK_COMMANDS,
  models: { ...MODELS_COMMANDS, ...ADAPTER_COMMANDS },
  sessions: {
    async list(ctx, args) {
      const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
      const sessions = await ctx.call("sessions.list", {
        characterId: idArgument(positionals[0], "CHARACTER_ID"),
      });
      if (values.json) printJson(ctx, sessions);
      else if (sessions.length === 0) ctx.out("No reference sessions.\n");
      else {
        for (const s of sessions) {
          const date =
            s.submittedAt === null ? "unknown date" : new Date(s.submittedAt).toISOString().slice(0, 10);
          ctx.out(
            `${String(s.id).padStart(6)}  ${date}  ${String(s.messageCount).padStart(5)} messages  ${s.preview.slice(0, 60)}\n`,
          );
        }
      }
      return 0;
    },
  },
  characters: {
    async create(ctx, args) {
      const { values } = parseCommand(
        args,
        { name: { type: "string" }, description: { type: "string" }, greeting: { type: "string" }, ...json },
        { min: 0, max: 0 },
      );
      if (typeof values.name !== "string") throw usageError("characters create needs --name NAME");
      const record = await ctx.call("characters.create", {
        name: values.name,
        ...(typeof values.description === "string" ? { description: values.description } : {}),
        ...(typeof values.greeting === "string" ? { greeting: values.greeting } : {}),
      });
      if (values.json) printJson(ctx, cardJson(record));
      else ctx.out(`Created character ${record.id}: ${record.data.name}\n`);
      return 0;
    },
    async list(ctx, args) {
      const { values } = parseCommand(
        args,
        { tag: { type: "string" }, search: { type: "string" }, sort: { type: "string" }, ...json },
        { min: 0, max: 0 },
      );
      const sort = values.sort;
      if (sort !== undefined && sort !== "name" && sort !== "recent" && sort !== "imported") {
        throw usageError("--sort must be name, recent or imported");
      }
      const list = await ctx.call("characters.list", {
        ...(sort === undefined ? {} : { sort }),
        ...(typeof values.tag === "string" ? { tag: values.tag } : {}),
        ...(typeof values.search === "string" ? { search: values.search } : {}),
      });
      if (values.json) printJson(ctx, list);
      else if (list.length === 0)
        ctx.out("No characters yet. Create one with: masque characters create --name NAME\n");
      else
        for (const c of list)
          ctx.out(
            `${String(c.id).padStart(5)}  ${c.name}${c.tags.length ? `  [${c.tags.join(", ")}]` : ""}\n`,
          );
      return 0;
    },
    async export(ctx, args) {
      const { positionals, values } = parseCommand(
        args,
        { format: { type: "string" }, out: { type: "string" } },
        { min: 1, max: 1 },
      );
      const format = values.format;
      if (format !== "v2" && format !== "v3" && format !== "png" && format !== "charx") {
        throw usageError("characters export needs --format v2|v3|png|charx");
      }
      if (typeof values.out !== "string") throw usageError("characters export needs --out FILE");
      const file = await ctx.call("characters.export", {
        id: idArgument(positionals[0], "CHARACTER_ID"),
        format,
      });
      await writeExportedFile(values.out, file);
      ctx.err(`Wrote ${values.out} (${file.mimeType})\n`);
      return 0;
    },
    async show(ctx, args) {
      const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
      const record = await ctx.call("characters.get", { id: idArgument(positionals[0], "CHARACTER_ID") });
      if (values.json) printJson(ctx, cardJson(record));
      else {
        const d = record.data;
        ctx.out(`#${record.id} ${d.name} (${record.spec} ${record.spec_version})\n`);
        for (const [label, text] of [
          ["Description", d.description],
          ["Personality", d.personality],
          ["Scenario", d.scenario],
          ["Greeting", d.first_mes],
          ["Example dialogue", d.mes_example],
          ["Creator notes", d.creator_notes],
        ] as const) {
          if (text) ctx.out(`\n${label}:\n${text}\n`);
        }
        if (d.tags.length) ctx.out(`\nTags: ${d.tags.join(", ")}\n`);
      }
      return 0;
    },
  },
  chats: {
    new: (ctx, args) => newChatCommand(ctx, args, printChat),
    set: setChatCommand,
    member: memberCommand,
    async list(ctx, args) {
      const { positionals, values } = parseCommand(args, json, { min: 0, max: 1 });
      const chats = await ctx.call(
        "chats.list",
        positionals[0] === undefined ? {} : { characterId: idArgument(positionals[0], "CHARACTER_ID") },
      );
      if (values.json) printJson(ctx, chats);
      else
        for (const c of chats)
          ctx.out(`${String(c.id).padStart(5)}  ${c.title}  (${c.messageCount} messages)\n`);
      return 0;
    },
    async show(ctx, args) {
      const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
      const view = await ctx.call("chats.get", { chatId: idArgument(positionals[0], "CHAT_ID") });
      if (values.json) printJson(ctx, view);
      else printChat(ctx, view);
      return 0;
    },
    regenerate: regenerateCommand,
    continue: continueCommand,
    swipes: swipesCommand,
    prompt: promptCommand,
    state: chatStateCommand,
    async send(ctx, all) {
      const { lora, rest: args } = takeLoraFlags(all);
      const { positionals, values } = parseCommand(
        args,
        {
          model: { type: "string" },
          "max-tokens": { type: "string" },
          seed: { type: "string" },
          temperature: { type: "string" },
          threads: { type: "string" },
          as: { type: "string" },
          ...json,
        },
        { min: 2, max: 2 },
      );
      return sendMessage(ctx, {
        asCharacterId: values.as === undefined ? undefined : idArgument(values.as as string, "--as"),
        chatId: idArgument(positionals[0], "CHAT_ID"),
        text: positionals[1] as string,
        model: typeof values.model === "string" ? values.model : undefined,
        maxTokens: intOption(values["max-tokens"], "--max-tokens"),
        seed: intOption(values.seed, "--seed"),
        temperature: numberOption(values.temperature, "--temperature"),
        threads: intOption(values.threads, "--threads"),
        json: values.json === true,
        lora,
      });
    },
  },
  settings: {
    async get(ctx, args) {
      const { positionals, values } = parseCommand(args, json, { min: 0, max: 1 });
      const settings = await ctx.call("settings.get", {});
      const key = positionals[0];
      if (key !== undefined && !isSettingsKey(key)) throw unknownKey(key);
      const value = key === undefined ? settings : settings[key];
      if (values.json) printJson(ctx, value);
      else if (key !== undefined) ctx.out(`${settingText(value)}\n`);
      else for (const [k, v] of Object.entries(settings)) ctx.out(`${k} = ${JSON.stringify(v)}\n`);
      return 0;
    },
    async set(ctx, args) {
      const { positionals } = parseCommand(args, {}, { min: 2, max: 2 });
      const [key, raw] = positionals as [string, string];
      if (!isSettingsKey(key)) throw unknownKey(key);
      const updated = await ctx.call("settings.update", { [key]: parseSettingValue(key, raw) });
      ctx.out(`${key} = ${JSON.stringify(updated[key])}\n`);
      return 0;
    },
  },
};

/** A scalar setting as it is (a string unquoted); an object or array as JSON, never "[object Object]". */
function settingText(value: unknown): string {
  return value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Commands without a subcommand. */
export const TOP_LEVEL: Record<string, Command> = {
  validate: validateCommand,
  async import(ctx, args) {
    const { positionals, values } = parseCommand(
      args,
      { format: { type: "string" }, ...json },
      { min: 1, max: 1 },
    );
    const format = values.format ?? "auto";
    if (format !== "auto" && format !== "pippa" && format !== "card" && format !== "sillytavern") {
      throw usageError("--format must be auto, pippa, card or sillytavern");
    }
    return importFile(ctx, { file: positionals[0] as string, format, json: values.json === true });
  },
  async web(ctx, args) {
    const { values } = parseCommand(
      args,
      { port: { type: "string" }, model: { type: "string" }, ...json },
      { min: 0, max: 0 },
    );
    const port = intOption(values.port, "--port");
    if (port !== undefined && (port < 0 || port > 65_535))
      throw usageError("--port must be between 0 and 65535");
    if (typeof values.model === "string") {
      const status = await ctx.call("model.load", { path: values.model, remember: false });
      ctx.err(`Model loaded: ${status.info?.fileName ?? values.model}\n`);
    }
    await runWeb({
      core: ctx.core,
      ...(port === undefined ? {} : { port }),
      json: values.json === true,
      log: (line) => ctx.err(`${line}\n`),
      print: (line) => ctx.out(`${line}\n`),
    });
    return 0;
  },
};

function unknownKey(key: string): MasqueError {
  return usageError(`unknown setting ${JSON.stringify(key)}; see \`masque settings get\` for the keys`);
}

function cardJson(record: CharacterRecord) {
  return { id: record.id, spec: record.spec, spec_version: record.spec_version, data: record.data };
}

function printChat(ctx: CliContext, view: ChatView) {
  const names = new Map(view.members.map((m) => [m.characterId, m.name]));
  ctx.out(
    `Chat ${view.chat.id} with ${view.members.map((m) => m.name).join(", ") || view.chat.characterName}\n\n`,
  );
  for (const m of view.messages) {
    const writer = m.characterId == null ? undefined : names.get(m.characterId);
    ctx.out(formatMessage(writer ?? view.chat.characterName, m));
  }
}

function formatMessage(characterName: string, m: Message): string {
  const who = m.role === "user" ? "You" : characterName;
  const marker = m.status === "stopped" ? " [stopped]" : "";
  return `[${m.id}] ${who}${marker}:\n${m.text}\n\n`;
}

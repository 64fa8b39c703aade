/**
 * `backends add | list | test | use | rm`: remote inference servers. The CLI keeps no keys: a
 * backend's key is read from the environment variable named with --api-key-env.
 */
import { resolve } from "node:path";
import { BACKEND_KINDS, type BackendInfo, type BackendKind } from "../../../shared/domain/backend";
import { fromApiError, isErrorCode } from "../../../shared/errors";
import { parseCommand } from "./args";
import { usageError } from "./cliError";
import type { CliContext } from "./context";
import { printJson } from "./output";

type Command = (ctx: CliContext, args: string[]) => Promise<number>;

const json = { json: { type: "boolean" } } as const;

export const BACKEND_COMMANDS: Record<string, Command> = {
  async add(ctx, args) {
    const { positionals, values } = parseCommand(
      args,
      {
        kind: { type: "string" },
        url: { type: "string" },
        model: { type: "string" },
        "api-key-env": { type: "string" },
        "allow-plain-http": { type: "boolean" },
        tokenizer: { type: "string" },
        ...json,
      },
      { min: 1, max: 1 },
    );
    const kind = values.kind;
    if (!BACKEND_KINDS.includes(kind as BackendKind)) {
      throw usageError(`backends add needs --kind ${BACKEND_KINDS.join("|")}`);
    }
    if (typeof values.url !== "string") throw usageError("backends add needs --url URL");
    const backend = await ctx.call("backends.add", {
      name: positionals[0] as string,
      kind: kind as BackendKind,
      url: values.url,
      ...(typeof values.model === "string" ? { model: values.model } : {}),
      ...(typeof values["api-key-env"] === "string" ? { apiKeyEnv: values["api-key-env"] } : {}),
      ...(values["allow-plain-http"] === true ? { allowPlainHttp: true } : {}),
      ...(typeof values.tokenizer === "string" ? { tokenizerModel: resolve(values.tokenizer) } : {}),
    });
    if (values.json) printJson(ctx, backend);
    else ctx.out(`Added backend ${backend.name} (${backend.kind}, ${backend.url})\n`);
    return 0;
  },

  async list(ctx, args) {
    const { values } = parseCommand(args, json, { min: 0, max: 0 });
    const list = await ctx.call("backends.list", {});
    if (values.json) printJson(ctx, list);
    else for (const b of list) ctx.out(`${formatBackend(b)}\n`);
    return 0;
  },

  /** Connects and reports the server's model and context size; exit 1 when it fails. */
  async test(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    const result = await ctx.call("backends.test", { name: positionals[0] as string });
    if (values.json) printJson(ctx, result);
    if (!result.ok) {
      const error = result.error ?? { code: "BACKEND_ERROR", message: "the test failed" };
      if (values.json) return 1;
      throw fromApiError({
        code: isErrorCode(error.code) ? error.code : "BACKEND_ERROR",
        message: error.message,
      });
    }
    if (!values.json) {
      ctx.out(
        `${result.name}: ok, model ${result.model ?? "(not named)"}, context ${result.contextSize ?? "(not reported)"}\n`,
      );
    }
    return 0;
  },

  async use(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    const result = await ctx.call("backends.use", { name: positionals[0] as string });
    if (values.json) printJson(ctx, result);
    else ctx.out(`Active backend: ${result.active}\n`);
    return 0;
  },

  async rm(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    const result = await ctx.call("backends.remove", { name: positionals[0] as string });
    if (values.json) printJson(ctx, result);
    else ctx.out(`Removed backend ${positionals[0]}; active: ${result.active}\n`);
    return 0;
  },
};

function formatBackend(b: BackendInfo): string {
  const mark = b.active ? "*" : " ";
  if (b.kind === "local") return `${mark} local  (this machine)${b.model ? `  ${b.model}` : ""}`;
  const key = b.apiKey === "env" ? `  key from $${b.apiKeyEnv}` : b.apiKey === "stored" ? "  key stored" : "";
  return `${mark} ${b.name}  ${b.kind}  ${b.url}${b.model ? `  model ${b.model}` : ""}${key}`;
}

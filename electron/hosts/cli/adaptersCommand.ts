/** `models adapters [--add FILE] [--remove ID] [--json]`: the LoRA adapters of the model library. */
import type { AdapterInfo } from "../../../shared/api/contract";
import { idArgument, parseCommand } from "./args";
import type { CliContext } from "./context";

export async function adaptersCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseCommand(
    args,
    { add: { type: "string" }, remove: { type: "string" }, json: { type: "boolean" } },
    { min: 0, max: 0 },
  );
  if (typeof values.add === "string") {
    const added = await ctx.call("models.addAdapter", { path: values.add });
    if (!values.json) ctx.err(`Added adapter ${added.id}: ${added.fileName} (${added.baseArchitecture})\n`);
  }
  if (typeof values.remove === "string") {
    await ctx.call("models.removeAdapter", { id: idArgument(values.remove, "--remove") });
  }
  const adapters = await ctx.call("models.adapters", {});
  if (values.json) {
    ctx.out(`${JSON.stringify(adapters.map(adapterJson), null, 2)}\n`);
  } else if (adapters.length === 0) {
    ctx.out("No LoRA adapters yet. Add one with: masque models adapters --add FILE\n");
  } else {
    for (const a of adapters)
      ctx.out(
        `${String(a.id).padStart(4)}  ${a.fileName}  ${a.baseArchitecture}  sha256 ${a.sha256.slice(0, 12)}…\n`,
      );
  }
  return 0;
}

/** The documented `--json` shape of an adapter. */
function adapterJson(a: AdapterInfo) {
  return {
    id: a.id,
    fileName: a.fileName,
    path: a.path,
    sha256: a.sha256,
    baseArchitecture: a.baseArchitecture,
  };
}

export const ADAPTER_COMMANDS = { adapters: adaptersCommand };

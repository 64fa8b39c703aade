/**
 * `masque models ...`: the model library from the command line, through the same contract methods
 * as the app. JSON output keeps exactly the keys documented in `masque help`.
 */
import { resolve } from "node:path";
import type { EventTypes } from "../../../shared/api/contract";
import type { FitEstimate, ModelEntry } from "../../../shared/domain/modelLibrary";
import { fromApiError } from "../../../shared/errors";
import { formatBytes } from "../../../shared/format/bytes";
import { looksLikeUri } from "../../services/models/modelSource";
import { idArgument, intOption, parseCommand } from "./args";
import { usageError } from "./cliError";
import type { CliContext } from "./context";
import { printJson } from "./output";

type Command = (ctx: CliContext, args: string[]) => Promise<number>;

const json = { json: { type: "boolean" } } as const;
const PROGRESS_EVERY_MS = 1000;

/** The documented shape of `models list --json`. */
function listJson(m: ModelEntry) {
  return {
    id: m.id,
    fileName: m.fileName,
    path: m.path,
    sizeBytes: m.sizeBytes,
    sha256: m.sha256,
    architecture: m.architecture,
    parameters: m.parameters,
    quantization: m.quantization,
    trainedContextSize: m.trainedContextSize,
    template: m.template,
    source: m.source,
    missing: m.missing,
    fit: m.fit,
  };
}

function fitJson(f: FitEstimate) {
  return {
    fits: f.fits,
    ramBytes: f.ramBytes,
    vramBytes: f.vramBytes,
    gpuLayers: f.gpuLayers,
    contextSize: f.contextSize,
    maxContextSize: f.maxContextSize,
  };
}

function describe(m: ModelEntry): string {
  const facts = [
    m.architecture,
    m.parameters ? formatParameters(m.parameters) : null,
    m.quantization,
    m.trainedContextSize ? `ctx ${m.trainedContextSize}` : null,
    formatBytes(m.sizeBytes),
  ].filter(Boolean);
  const state = m.missing ? " [missing]" : m.problem ? ` [unusable: ${m.problem}]` : "";
  const fit = m.fit ? `  ${m.fit.verdict}` : "";
  const note = m.contextNote ? `\n        ${m.contextNote}` : "";
  return `${m.active ? "*" : " "}${String(m.id).padStart(4)}  ${m.fileName}  (${facts.join(", ")})${fit}${state}${note}\n`;
}

function formatParameters(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B params`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M params`;
  return `${(n / 1e3).toFixed(0)}K params`;
}

/** ID, URI or path: which one the user meant. */
function target(value: string): { id: number } | { uri: string } | { path: string } {
  if (/^\d+$/.test(value)) return { id: idArgument(value, "ID") };
  if (looksLikeUri(value)) return { uri: value };
  return { path: resolve(value) };
}

async function pull(ctx: CliContext, uri: string, asJson: boolean): Promise<number> {
  let downloadId: string | null = null;
  const early: { event: string; payload: unknown }[] = [];
  let settle: (outcome: EventTypes["models.download.done"] | EventTypes["models.download.error"]) => void =
    () => {};
  const outcome = new Promise<Parameters<typeof settle>[0]>((r) => {
    settle = r;
  });
  let lastPrinted = 0;
  let lastPhase = "";
  const handle = (event: string, payload: unknown) => {
    if (event === "models.download.progress") {
      const p = payload as EventTypes["models.download.progress"];
      // Nothing is printed while resolving, so an early failure (bad tag, no disk space) is stderr's first line.
      if (p.phase === "resolving") return;
      const now = Date.now();
      if (p.phase === lastPhase && now - lastPrinted < PROGRESS_EVERY_MS) return;
      lastPhase = p.phase;
      lastPrinted = now;
      ctx.err(progressLine(p));
    } else if (event === "models.download.done" || event === "models.download.error") {
      settle(payload as Parameters<typeof settle>[0]);
    }
  };
  const unsubscribe = ctx.core.subscribe((event, payload) => {
    if (!event.startsWith("models.download.")) return;
    const id = (payload as { downloadId?: string }).downloadId;
    if (downloadId === null) early.push({ event, payload });
    else if (id === downloadId) handle(event, payload);
  });
  const cancel = () => {
    if (downloadId) void ctx.call("models.cancel", { downloadId }).catch(() => undefined);
  };
  process.on("SIGINT", cancel);
  try {
    const started = await ctx.call("models.pull", { uri });
    downloadId = started.downloadId;
    for (const e of early.splice(0)) {
      if ((e.payload as { downloadId?: string }).downloadId === downloadId) handle(e.event, e.payload);
    }
    const result = await outcome;
    if ("error" in result) {
      if (result.error.details?.reason === "cancelled") {
        ctx.err(`${result.error.code}: ${result.error.message}\n`);
        return 130;
      }
      throw fromApiError(result.error);
    }
    const m = result.model;
    if (asJson)
      printJson(ctx, {
        id: m.id,
        path: m.path,
        sha256: m.sha256,
        sizeBytes: m.sizeBytes,
        verified: m.verified,
      });
    else {
      ctx.out(
        `Downloaded ${m.fileName} (${formatBytes(m.sizeBytes)}) as model ${m.id}: ${m.path}\n` +
          `SHA-256 ${m.sha256} ${m.verified ? "matches the hub's published hash" : "(the source publishes no hash to check)"}\n`,
      );
    }
    return 0;
  } finally {
    process.off("SIGINT", cancel);
    unsubscribe();
  }
}

function progressLine(p: EventTypes["models.download.progress"]): string {
  const percent = p.totalBytes > 0 ? Math.floor((p.downloadedBytes / p.totalBytes) * 100) : 0;
  if (p.phase === "verifying") return `verifying ${p.fileName ?? p.uri}: ${percent}%\n`;
  const speed = p.bytesPerSecond > 0 ? `, ${formatBytes(p.bytesPerSecond)}/s` : "";
  const eta = p.etaSeconds !== null ? `, ${p.etaSeconds} s left` : "";
  return `downloading ${p.fileName ?? p.uri}: ${percent}% (${formatBytes(p.downloadedBytes)} of ${formatBytes(p.totalBytes)}${speed}${eta})\n`;
}

export const MODELS_COMMANDS: Record<string, Command> = {
  async list(ctx, args) {
    const { values } = parseCommand(args, { ...json, rescan: { type: "boolean" } }, { min: 0, max: 0 });
    const models = await ctx.call("models.list", values.rescan ? { rescan: true } : {});
    if (values.json) printJson(ctx, models.map(listJson));
    else if (models.length === 0)
      ctx.out("No models yet. Add one with: masque models add PATH, or masque models pull URI\n");
    else for (const m of models) ctx.out(describe(m));
    return 0;
  },
  async add(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    const result = await ctx.call("models.add", { path: resolve(positionals[0] as string) });
    if (values.json) printJson(ctx, result.added.map(listJson));
    else {
      if (result.folder) ctx.out(`Scanned ${result.folder}: ${result.added.length} model(s)\n`);
      for (const m of result.added) ctx.out(describe(m));
    }
    return 0;
  },
  async pull(ctx, args) {
    const { positionals, values } = parseCommand(args, json, { min: 1, max: 1 });
    return pull(ctx, positionals[0] as string, values.json === true);
  },
  async fit(ctx, args) {
    const { positionals, values } = parseCommand(
      args,
      { context: { type: "string" }, "gpu-layers": { type: "string" }, ...json },
      { min: 1, max: 1 },
    );
    const contextSize = intOption(values.context, "--context");
    const gpuLayers = intOption(values["gpu-layers"], "--gpu-layers");
    const fit = await ctx.call("models.fit", {
      ...target(positionals[0] as string),
      ...(contextSize === undefined ? {} : { contextSize }),
      ...(gpuLayers === undefined ? {} : { gpuLayers }),
    });
    if (values.json) printJson(ctx, fitJson(fit));
    else {
      ctx.out(
        `${fit.verdict === "fits" ? "Fits" : fit.verdict === "tight" ? "Tight" : "Does not fit"}: ` +
          `${formatBytes(fit.ramBytes)} RAM${fit.vramBytes > 0 ? ` + ${formatBytes(fit.vramBytes)} VRAM` : ""} ` +
          `with a ${fit.contextSize}-token context and ${fit.gpuLayers} GPU layers; ` +
          `largest context that fits: ${fit.maxContextSize}\n`,
      );
    }
    return 0;
  },
  async use(ctx, args) {
    const { positionals } = parseCommand(args, {}, { min: 1, max: 1 });
    const chosen = target(positionals[0] as string);
    if ("uri" in chosen)
      throw usageError("models use takes an ID or a PATH; download a URI first with models pull");
    const model = await ctx.call("models.use", chosen);
    ctx.out(`Active model: ${model.fileName} (${model.path})\n`);
    return 0;
  },
  async rm(ctx, args) {
    const { positionals, values } = parseCommand(
      args,
      { "delete-file": { type: "boolean" } },
      { min: 1, max: 1 },
    );
    const id = idArgument(positionals[0], "ID");
    const result = await ctx.call("models.remove", { id, deleteFile: values["delete-file"] === true });
    ctx.out(`Removed model ${id} from the library${result.deletedFile ? " and deleted its file" : ""}\n`);
    return 0;
  },
  async catalog(ctx, args) {
    const { values } = parseCommand(args, json, { min: 0, max: 0 });
    const entries = await ctx.call("models.catalog", {});
    if (values.json) printJson(ctx, entries);
    else {
      for (const e of entries) {
        ctx.out(
          `${e.fit.verdict.padEnd(10)} ${e.name} (${e.quantization}, ${formatBytes(e.sizeBytes)}, ${e.license})  ${e.uri}` +
            `${e.installedModelId !== null ? `  [installed: ${e.installedModelId}]` : ""}\n`,
        );
      }
    }
    return 0;
  },
};

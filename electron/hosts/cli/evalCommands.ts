/**
 * `masque eval …`: perplexity runs, stored runs, comparison, blind A/B (new, next, vote, report),
 * reply statistics and run export. Long runs print progress to stderr and wait for their end.
 */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import type { EventName, EventTypes, RequestOf } from "../../../shared/api/contract";
import {
  type AbContestantInput,
  type EvalRunKind,
  modelLabel,
  type PerplexityResult,
  type RunComparison,
} from "../../../shared/domain/eval";
import { fromApiError, MasqueError } from "../../../shared/errors";
import { parseLoraArgument } from "../../services/engine/lora";
import { idArgument, intOption } from "./args";
import { usageError } from "./cliError";
import type { CliContext } from "./context";
import { takeLoraFlags } from "./loraFlags";
import { printJson, writeExportedFile } from "./output";

type Command = (ctx: CliContext, args: string[]) => Promise<number>;

function parse<O extends ParseArgsOptionsConfig>(
  args: string[],
  options: O,
  positionals: { min: number; max: number },
) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length < positionals.min) throw usageError("missing argument");
    if (parsed.positionals.length > positionals.max)
      throw usageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
    return parsed;
  } catch (error) {
    throw error instanceof MasqueError ? error : usageError((error as Error).message);
  }
}

const ids = (values: string[] | undefined, flag: string) =>
  values?.flatMap((v) => v.split(",")).map((v) => idArgument(v, flag));

/** Subscribes before the run starts, then resolves when its done or error event arrives. */
function runWaiter(ctx: CliContext, json: boolean) {
  let runId: number | null = null;
  const early: { event: EventName; payload: unknown }[] = [];
  let settle: ((status: string) => void) | null = null;
  let fail: ((error: Error) => void) | null = null;
  let lastLine = 0;
  const handle = (event: EventName, payload: unknown) => {
    const p = payload as { runId: number };
    if (!event.startsWith("eval.") || p.runId !== runId) return;
    if (event === "eval.progress") {
      const progress = payload as EventTypes["eval.progress"];
      const now = Date.now();
      if (json || now - lastLine < 1000) return;
      lastLine = now;
      const eta = progress.etaMs === null ? "" : `, about ${Math.ceil(progress.etaMs / 1000)} s left`;
      ctx.err(`${progress.phase} ${progress.done}/${progress.total}${eta}\n`);
    } else if (event === "eval.done") settle?.((payload as EventTypes["eval.done"]).status);
    else if (event === "eval.error") fail?.(fromApiError((payload as EventTypes["eval.error"]).error));
  };
  const stop = ctx.core.subscribe((event, payload) => {
    if (runId === null) early.push({ event, payload });
    else handle(event, payload);
  });
  return {
    wait(id: number): Promise<string> {
      runId = id;
      return new Promise<string>((resolveStatus, reject) => {
        settle = resolveStatus;
        fail = reject;
        for (const e of early.splice(0)) handle(e.event, e.payload);
      }).finally(stop);
    },
  };
}

async function perplexity(ctx: CliContext, args: string[]): Promise<number> {
  const taken = takeLoraFlags(args);
  const { values } = parse(
    taken.rest,
    {
      model: { type: "string" },
      character: { type: "string", multiple: true },
      chat: { type: "string", multiple: true },
      "text-file": { type: "string" },
      sessions: { type: "string" },
      "max-tokens-scored": { type: "string" },
      context: { type: "string" },
      template: { type: "string" },
      "lora-scales": { type: "string" },
      json: { type: "boolean" },
    },
    { min: 0, max: 0 },
  );
  if (!values.model) throw usageError("eval perplexity needs --model ID|PATH");
  const given = [values.character, values.chat, values["text-file"]].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw usageError("eval perplexity needs exactly one of --character ID..., --chat ID... or --text-file F");
  const sessions = intOption(values.sessions, "--sessions");
  const maxTokens = intOption(values["max-tokens-scored"], "--max-tokens-scored");
  const context = intOption(values.context, "--context");
  const lora = taken.lora?.map((a) => ({ ...a, path: resolve(a.path) }));
  const request = {
    model: await modelPathOf(ctx, values.model),
    ...(values.character ? { characterIds: ids(values.character, "--character") } : {}),
    ...(values.chat ? { chatIds: ids(values.chat, "--chat") } : {}),
    ...(values["text-file"] ? { textFile: resolve(values["text-file"]) } : {}),
    ...(sessions === undefined ? {} : { sessions }),
    ...(maxTokens === undefined ? {} : { maxTokensScored: maxTokens }),
    ...(context === undefined ? {} : { contextSize: context }),
    ...(values.template ? { templateId: values.template } : {}),
  };
  if (values["lora-scales"] !== undefined) {
    const scales = loraScales(values["lora-scales"]);
    const adapter = lora?.length === 1 ? lora[0] : undefined;
    if (!adapter) throw usageError("--lora-scales needs exactly one --lora FILE");
    return scaleSweep(ctx, request, adapter.path, scales, values.json === true);
  }
  const r = await perplexityRun(ctx, { ...request, ...(lora ? { lora } : {}) }, values.json === true);
  if (values.json) printJson(ctx, perplexityJson(r));
  else printPerplexity(ctx, r);
  return 0;
}

type PerplexityRequest = RequestOf<"eval.perplexity">;

/** Starts one run and waits for its end; the run's results. */
async function perplexityRun(ctx: CliContext, request: PerplexityRequest, json: boolean) {
  const waiter = runWaiter(ctx, json);
  const { runId } = await ctx.call("eval.perplexity", request);
  const status = await waiter.wait(runId);
  if (status !== "done") throw new MasqueError("ABORTED", `run ${runId} ended ${status}`);
  const run = await ctx.call("eval.run", { runId });
  if (!run.perplexity) throw new MasqueError("INTERNAL", `run ${runId} finished without results`);
  return run.perplexity;
}

/** `--lora-scales 0,0.5,1`: one run per scale of the one adapter on the same selection, then their comparison. */
async function scaleSweep(
  ctx: CliContext,
  request: PerplexityRequest,
  adapter: string,
  scales: number[],
  json: boolean,
): Promise<number> {
  const results: PerplexityResult[] = [];
  for (const scale of scales) {
    if (!json) ctx.err(`scale ${scale}\n`);
    results.push(await perplexityRun(ctx, { ...request, lora: [{ path: adapter, scale }] }, json));
  }
  const comparison = await ctx.call("eval.compare", { runIds: results.map((r) => r.runId) });
  if (json) {
    printJson(ctx, {
      runs: results.map((r, i) => ({ scale: scales[i], ...perplexityJson(r) })),
      ...comparison,
    });
  } else {
    for (const r of results) printPerplexity(ctx, r);
    printComparison(ctx, comparison);
  }
  return 0;
}

function loraScales(text: string): number[] {
  const scales = text.split(",").map((part) => {
    const scale = Number(part);
    if (part.trim() === "" || !Number.isFinite(scale) || scale < -10 || scale > 10)
      throw usageError(`--lora-scales: "${part}" is not a scale between -10 and 10`);
    return scale;
  });
  if (scales.length < 2) throw usageError("--lora-scales needs at least two scales, e.g. 0,0.5,1");
  if (new Set(scales).size < scales.length) throw usageError("--lora-scales names a scale twice");
  return scales;
}

function perplexityJson(r: PerplexityResult) {
  return {
    runId: r.runId,
    model: {
      fileName: r.model.fileName,
      sha256: r.model.sha256,
      ...(r.model.lora
        ? { lora: r.model.lora.map((a) => ({ fileName: a.fileName, sha256: a.sha256, scale: a.scale })) }
        : {}),
    },
    tokensScored: r.tokensScored,
    bytesScored: r.bytesScored,
    nll: r.nll,
    perplexity: r.perplexity,
    bitsPerByte: r.bitsPerByte,
    interval: r.interval,
    templateId: r.templateId,
    contextSize: r.contextSize,
    selectionHash: r.selectionHash,
    perCharacter: r.perCharacter.map((c) => ({
      characterId: c.characterId,
      characterName: c.characterName,
      tokensScored: c.tokensScored,
      nll: c.nll,
      perplexity: c.perplexity,
      bitsPerByte: c.bitsPerByte,
      interval: c.interval,
    })),
    perSession: r.perSession,
  };
}

function printPerplexity(ctx: CliContext, r: PerplexityResult): void {
  const interval = r.interval ? ` (95% CI ${r.interval[0].toFixed(3)}–${r.interval[1].toFixed(3)})` : "";
  ctx.out(
    `Run ${r.runId}: ${modelLabel(r.model)}\nperplexity ${r.perplexity.toFixed(3)}${interval}, ${r.nll.toFixed(4)} nats/token, ${r.bitsPerByte?.toFixed(4) ?? "?"} bits/byte, ${r.tokensScored} tokens in ${r.perSession.length} sessions\n`,
  );
  for (const c of r.perCharacter)
    ctx.out(
      `  ${c.characterName} (#${c.characterId}): perplexity ${c.perplexity.toFixed(3)}, ${c.tokensScored} tokens\n`,
    );
}

async function runs(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, { kind: { type: "string" }, json: { type: "boolean" } }, { min: 0, max: 0 });
  const kind = values.kind;
  if (kind !== undefined && kind !== "perplexity" && kind !== "ab")
    throw usageError("--kind must be perplexity or ab");
  const list = await ctx.call("eval.runs", kind ? { kind: kind as EvalRunKind } : {});
  if (values.json) printJson(ctx, list);
  else if (list.length === 0) ctx.out("No evaluation runs yet.\n");
  else
    for (const r of list) {
      const figure = r.figures
        ? `perplexity ${r.figures.perplexity.toFixed(3)}`
        : r.items !== null
          ? `${r.votes}/${r.items} voted`
          : "";
      ctx.out(
        `${String(r.id).padStart(5)}  ${r.kind.padEnd(10)} ${r.status.padEnd(11)} ${figure.padEnd(22)} ${r.label}\n`,
      );
    }
  return 0;
}

async function compare(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parse(args, { json: { type: "boolean" } }, { min: 2, max: 50 });
  const result = await ctx.call("eval.compare", { runIds: positionals.map((p) => idArgument(p, "RUN_ID")) });
  if (values.json) printJson(ctx, result);
  else printComparison(ctx, result);
  return 0;
}

function printComparison(ctx: CliContext, result: RunComparison): void {
  ctx.out(`Baseline: run ${result.baseline.runId} (${modelLabel(result.baseline.model)})\n`);
  for (const c of result.candidates) {
    ctx.out(
      `Run ${c.runId} (${modelLabel(c.model)}): Δ ${signed(c.difference)} nats/token [${signed(c.interval[0])}, ${signed(c.interval[1])}]${c.worse ? "  WORSE" : ""}\n`,
    );
    for (const ch of c.perCharacter)
      ctx.out(
        `  ${ch.characterName}: Δ ${signed(ch.difference)} [${signed(ch.interval[0])}, ${signed(ch.interval[1])}]${ch.worse ? "  WORSE" : ""}\n`,
      );
  }
}

async function exportCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parse(
    args,
    { format: { type: "string" }, out: { type: "string" } },
    { min: 1, max: 1 },
  );
  const format = values.format ?? "json";
  if (format !== "json" && format !== "csv" && format !== "markdown")
    throw usageError("--format must be json, csv or markdown");
  if (!values.out) throw usageError("eval export needs --out FILE");
  const file = await ctx.call("eval.export", { runId: idArgument(positionals[0], "RUN_ID"), format });
  await writeExportedFile(resolve(values.out), file);
  ctx.out(`Wrote ${resolve(values.out)}\n`);
  return 0;
}

const CONTESTANT_USAGE = "MODEL[,template=ID][,preset=NAME][,lora=FILE:SCALE]...";

/**
 * A model given as the id of the model library (`masque models list`) or as a file path. A number
 * that is also an existing file's name is taken as the file.
 */
async function modelPathOf(ctx: CliContext, value: string): Promise<string> {
  if (!/^\d+$/.test(value) || existsSync(value)) return resolve(value);
  const id = idArgument(value, "MODEL");
  const model = (await ctx.call("models.list", {})).find((m) => m.id === id);
  if (!model)
    throw new MasqueError("NOT_FOUND", `model ${id} is not in the model library (see masque models list)`);
  return model.path;
}

async function contestantOf(ctx: CliContext, spec: string): Promise<AbContestantInput> {
  const [model, ...options] = spec.split(",");
  if (!model) throw usageError(`--contestant needs ${CONTESTANT_USAGE}`);
  const contestant: AbContestantInput = { model: await modelPathOf(ctx, model) };
  for (const option of options) {
    const equals = option.indexOf("=");
    const key = equals < 0 ? option : option.slice(0, equals);
    const value = equals < 0 ? "" : option.slice(equals + 1);
    if (!value)
      throw usageError(`--contestant: "${option}" must be template=ID, preset=NAME or lora=FILE:SCALE`);
    if (key === "template") contestant.templateId = value;
    else if (key === "preset") contestant.preset = value;
    else if (key === "lora") {
      const adapter = parseLoraArgument(value);
      contestant.lora = [...(contestant.lora ?? []), { ...adapter, path: resolve(adapter.path) }];
    } else throw usageError(`--contestant: unknown option "${key}" (template, preset or lora)`);
  }
  return contestant;
}

const AB: Record<string, Command> = {
  async new(ctx, args) {
    const { values } = parse(
      args,
      {
        contestant: { type: "string", multiple: true },
        character: { type: "string", multiple: true },
        chat: { type: "string", multiple: true },
        items: { type: "string" },
        seed: { type: "string" },
        "max-tokens": { type: "string" },
        json: { type: "boolean" },
      },
      { min: 0, max: 0 },
    );
    if (!values.contestant || values.contestant.length < 2)
      throw usageError(`eval ab new needs at least two --contestant ${CONTESTANT_USAGE}`);
    if ((values.character === undefined) === (values.chat === undefined))
      throw usageError("eval ab new needs exactly one of --character ID... or --chat ID...");
    const items = intOption(values.items, "--items");
    const seed = intOption(values.seed, "--seed");
    const maxTokens = intOption(values["max-tokens"], "--max-tokens");
    const waiter = runWaiter(ctx, values.json === true);
    const started = await ctx.call("eval.abNew", {
      contestants: await Promise.all(values.contestant.map((spec) => contestantOf(ctx, spec))),
      ...(values.character ? { characterIds: ids(values.character, "--character") } : {}),
      ...(values.chat ? { chatIds: ids(values.chat, "--chat") } : {}),
      ...(items === undefined ? {} : { items }),
      ...(seed === undefined ? {} : { seed }),
      ...(maxTokens === undefined ? {} : { maxTokens }),
    });
    const status = await waiter.wait(started.runId);
    if (status !== "done") throw new MasqueError("ABORTED", `run ${started.runId} ended ${status}`);
    if (values.json) printJson(ctx, started);
    else
      ctx.out(
        `A/B run ${started.runId}: ${started.items} comparisons ready. Vote with: masque eval ab next ${started.runId}\n`,
      );
    return 0;
  },
  async next(ctx, args) {
    const { positionals, values } = parse(args, { json: { type: "boolean" } }, { min: 1, max: 1 });
    const next = await ctx.call("eval.abNext", { runId: idArgument(positionals[0], "RUN_ID") });
    if (values.json) printJson(ctx, next);
    else if ("done" in next) ctx.out("Every comparison has a vote. See: masque eval ab report RUN_ID\n");
    else {
      ctx.out(`Item ${next.item} — ${next.prompt.characterName}\n\n`);
      for (const turn of next.prompt.history.slice(-4))
        ctx.out(`${turn.role === "user" ? "You" : next.prompt.characterName}: ${turn.text}\n`);
      ctx.out(`\n--- A ---\n${next.replies[0].text}\n\n--- B ---\n${next.replies[1].text}\n\n`);
      ctx.out(`Vote with: masque eval ab vote ${positionals[0]} ${next.item} a|b|tie|bad\n`);
    }
    return 0;
  },
  async vote(ctx, args) {
    const { positionals, values } = parse(args, { json: { type: "boolean" } }, { min: 3, max: 3 });
    const vote = positionals[2];
    if (vote !== "a" && vote !== "b" && vote !== "tie" && vote !== "bad")
      throw usageError("the vote must be a, b, tie or bad");
    const result = await ctx.call("eval.abVote", {
      runId: idArgument(positionals[0], "RUN_ID"),
      item: idArgument(positionals[1], "ITEM"),
      vote,
    });
    if (values.json) printJson(ctx, result);
    else ctx.out(`Item ${result.item}: ${result.vote}. ${result.remaining} left.\n`);
    return 0;
  },
  async report(ctx, args) {
    const { positionals, values } = parse(args, { json: { type: "boolean" } }, { min: 1, max: 1 });
    const report = await ctx.call("eval.abReport", { runId: idArgument(positionals[0], "RUN_ID") });
    if (values.json) printJson(ctx, report);
    else {
      for (const c of report.contestants)
        ctx.out(
          `${c.label}\n  ${c.wins} wins, ${c.losses} losses, ${c.ties} ties; win rate ${(c.winRate * 100).toFixed(1)}% [${(c.wilson[0] * 100).toFixed(1)}, ${(c.wilson[1] * 100).toFixed(1)}]; rating ${c.rating.toFixed(0)} [${c.ratingInterval[0].toFixed(0)}, ${c.ratingInterval[1].toFixed(0)}]; ${c.meanReplyTokens.toFixed(1)} tokens per reply\n`,
        );
    }
    return 0;
  },
};

async function stats(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { ab: { type: "string" }, chat: { type: "string", multiple: true }, json: { type: "boolean" } },
    { min: 0, max: 0 },
  );
  if ((values.ab === undefined) === (values.chat === undefined))
    throw usageError("eval stats needs exactly one of --ab RUN_ID or --chat ID...");
  const report = await ctx.call(
    "eval.stats",
    values.ab ? { abRunId: idArgument(values.ab, "--ab") } : { chatIds: ids(values.chat, "--chat") ?? [] },
  );
  if (values.json) printJson(ctx, report);
  else
    for (const set of [...report.sets, ...(report.reference ? [report.reference] : [])])
      ctx.out(
        `${set.label}: ${set.replies} replies, words median ${set.words.median} (mean ${set.words.mean.toFixed(1)}), narration ${(set.narrationShare.mean * 100).toFixed(0)}%, speaks for the user ${(set.speaksForUserRate * 100).toFixed(0)}%, OOC ${(set.oocRate * 100).toFixed(0)}%\n`,
      );
  return 0;
}

export const EVAL_COMMANDS: Record<string, Command> = {
  perplexity,
  runs,
  compare,
  export: exportCommand,
  stats,
  async ab(ctx, args) {
    const [sub, ...rest] = args;
    const command = AB[sub ?? ""];
    if (!command) throw usageError(`unknown command "eval ab ${sub ?? ""}" (new, next, vote or report)`);
    return command(ctx, rest);
  },
};

function signed(x: number): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(4)}`;
}

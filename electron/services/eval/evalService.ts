/**
 * The model workbench: perplexity runs, stored and comparable; blind A/B runs (abService) with
 * voting and a report; reply statistics. Long work runs as a job (see evalJobs) on the model it
 * names, loaded under the model lock; each run is a row that records how it ended.
 */
import type { ParsedRequestOf } from "../../../shared/api/contract";
import type {
  AbNext,
  AbReport,
  AbVote,
  EvalRunDetail,
  EvalRunKind,
  EvalRunSummary,
  PerplexityResult,
  PerplexitySelection,
  ReplyStatsReport,
  RunComparison,
} from "../../../shared/domain/eval";
import { modelLabel } from "../../../shared/domain/eval";
import type { ExportedFile } from "../../../shared/domain/library";
import { MasqueError } from "../../../shared/errors";
import type { EvalRunRepository, EvalRunRow } from "../../storage/evalRunRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import type { Engine } from "../engine/engine";
import type { EventBus } from "../eventBus";
import type { ModelService } from "../modelService";
import type { AdapterLibrary } from "../models/adapters";
import { AbService } from "./abService";
import { compareRuns } from "./compareRuns";
import { EvalJobs } from "./evalJobs";
import type { SourceRepositories } from "./evalSources";
import { modelFile, modelFingerprint } from "./modelFingerprint";
import { figuresOf } from "./perplexityFigures";
import { runPerplexityJob } from "./perplexityJob";
import { replyStatsQuery } from "./replyStatsQuery";
import { exportRun, type RunExportFormat } from "./runExport";
import { checkScorable, checkSelection, checkTemplate } from "./selectionChecks";

interface PerplexitySettings {
  model: PerplexityResult["model"];
  contextSize: number;
  templateId: string | null;
}

export interface EvalServiceOptions {
  runs: EvalRunRepository;
  repos: SourceRepositories;
  engine: Engine;
  models: ModelService;
  settings: SettingsStore;
  events: EventBus;
  /** Checks the adapter files a run names (and adds them to the library). */
  adapters: Pick<AdapterLibrary, "checkFor">;
  transaction: <T>(work: () => T) => T;
  log?: (line: string) => void;
}

export class EvalService {
  private readonly jobs: EvalJobs;
  private readonly runs: EvalRunRepository;
  private readonly ab: AbService;

  constructor(private readonly options: EvalServiceOptions) {
    this.runs = options.runs;
    // Runs left "running" by dead processes are marked when runs are read, not at start-up:
    // commands that never look at runs never touch the workbench's tables.
    this.jobs = new EvalJobs(options.runs, options.events, options.log);
    this.ab = new AbService({ ...options, jobs: this.jobs });
  }

  // ---- perplexity ----

  async perplexity(input: ParsedRequestOf<"eval.perplexity">): Promise<{ runId: number }> {
    this.jobs.assertIdle();
    const selection: PerplexitySelection = {
      ...(input.characterIds ? { characterIds: input.characterIds } : {}),
      ...(input.chatIds ? { chatIds: input.chatIds } : {}),
      ...(input.textFile ? { textFile: input.textFile } : {}),
      ...(input.sessions ? { sessions: input.sessions } : {}),
      ...(input.maxTokensScored ? { maxTokensScored: input.maxTokensScored } : {}),
    };
    checkSelection(this.options.repos, selection);
    checkScorable(this.options.repos, selection);
    if (input.templateId) checkTemplate(input.templateId);
    const file = modelFile(input.model);
    const lora = await this.options.adapters.checkFor(file.path, input.lora ?? []);
    const contextSize = input.contextSize ?? this.options.settings.getAll().contextSize;
    const base = { path: file.path, fileName: file.fileName, sizeBytes: file.sizeBytes, sha256: "" };
    const settings: PerplexitySettings = {
      model: lora.length > 0 ? { ...base, lora } : base,
      contextSize,
      templateId: input.templateId ?? null,
    };
    const runId = this.runs.create({
      kind: "perplexity",
      label: `${modelLabel(settings.model)} · ${describeSelection(selection)}`,
      selection,
      settings,
    });
    this.jobs.start(runId, "perplexity", async (job) => {
      const started = Date.now();
      job.progress("loading", 0, 1);
      const fingerprint = await modelFingerprint(file, this.runs);
      const model = lora.length > 0 ? { ...fingerprint, lora } : fingerprint;
      this.runs.setSettings(runId, { ...settings, model });
      return this.options.models.withModel(model.path, async () => {
        const scoring = await this.options.engine.openScoring({
          contextSize,
          lora: lora.map(({ path, scale }) => ({ path, scale })),
        });
        try {
          const out = await runPerplexityJob({
            engine: this.options.engine,
            scoring,
            settings: this.options.settings.getAll(),
            repos: this.options.repos,
            selection,
            templateId: input.templateId,
            signal: job.signal,
            onPlanned: ({ selectionHash }) => this.runs.setSelectionHash(runId, selectionHash),
            onProgress: (done, total) => job.progress("scoring", done, total),
          });
          const result: PerplexityResult = {
            runId,
            model,
            templateId: out.templateId,
            contextSize: scoring.contextSize,
            selectionHash: out.selectionHash,
            ...figuresOf(out.perSession),
            perCharacter: out.perCharacter,
            perSession: out.perSession,
            durationMs: Date.now() - started,
          };
          return { result };
        } finally {
          await scoring.dispose();
        }
      });
    });
    return { runId };
  }

  // ---- runs ----

  list(kind?: EvalRunKind): EvalRunSummary[] {
    this.runs.markInterrupted((id) => this.jobs.isRunning(id));
    return this.runs.list(kind).map((row) => this.summary(row));
  }

  detail(runId: number): EvalRunDetail {
    this.runs.markInterrupted((id) => this.jobs.isRunning(id));
    const row = this.runs.get(runId);
    return {
      ...this.summary(row),
      selection: row.selection as EvalRunDetail["selection"],
      perplexity:
        row.kind === "perplexity" && row.status === "done" ? (row.result as PerplexityResult) : null,
    };
  }

  cancel(runId: number): { cancelled: boolean } {
    this.runs.get(runId);
    return { cancelled: this.jobs.cancel(runId) };
  }

  compare(runIds: readonly number[]): RunComparison {
    const results = runIds.map((id) => {
      const detail = this.detail(id);
      if (detail.kind !== "perplexity")
        throw new MasqueError("INVALID_INPUT", `run ${id} is an A/B run; only perplexity runs compare`, {
          field: "runIds",
        });
      if (!detail.perplexity)
        throw new MasqueError(
          "INVALID_INPUT",
          `run ${id} is ${detail.status}, not complete; it cannot be compared`,
          {
            field: "runIds",
          },
        );
      return detail.perplexity;
    });
    return compareRuns(results[0] as PerplexityResult, results.slice(1));
  }

  export(runId: number, format: RunExportFormat): ExportedFile {
    const detail = this.detail(runId);
    return exportRun(detail, detail.kind === "ab" ? this.abReport(runId) : null, format);
  }

  /** Resolves when the run's job in this process (if any) has ended. */
  settled(runId: number): Promise<void> {
    return this.jobs.settled(runId);
  }

  async dispose(): Promise<void> {
    await this.jobs.cancelAll();
  }

  // ---- blind A/B ----

  abNew(input: ParsedRequestOf<"eval.abNew">): Promise<{ runId: number; items: number }> {
    return this.ab.create(input);
  }

  abNext(runId: number): Promise<AbNext> {
    return this.ab.next(runId);
  }

  abVote(runId: number, item: number, vote: AbVote): { item: number; vote: AbVote; remaining: number } {
    return this.ab.vote(runId, item, vote);
  }

  abReport(runId: number): AbReport {
    return this.ab.report(runId);
  }

  // ---- reply statistics ----

  stats(input: ParsedRequestOf<"eval.stats">): ReplyStatsReport {
    return replyStatsQuery(input, { ...this.options, abRun: (runId) => this.ab.run(runId) });
  }

  // ---- internals ----

  private summary(row: EvalRunRow): EvalRunSummary {
    const result =
      row.kind === "perplexity" && row.status === "done" ? (row.result as PerplexityResult) : null;
    const items = row.kind === "ab" ? this.runs.abItems(row.id) : null;
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      label: row.label,
      createdAt: row.createdAt,
      finishedAt: row.finishedAt,
      durationMs: row.durationMs,
      selectionHash: row.selectionHash,
      error: row.error,
      figures: result
        ? {
            tokensScored: result.tokensScored,
            bytesScored: result.bytesScored,
            nll: result.nll,
            perplexity: result.perplexity,
            bitsPerByte: result.bitsPerByte,
            interval: result.interval,
          }
        : null,
      items: items ? items.length : null,
      votes: items ? items.filter((i) => i.vote !== null).length : null,
    };
  }
}

function describeSelection(selection: PerplexitySelection): string {
  if (selection.textFile) return `text ${selection.textFile.split(/[\\/]/).at(-1)}`;
  if (selection.chatIds) return `${selection.chatIds.length} chat(s)`;
  return `${selection.characterIds?.length ?? 0} character(s)${selection.sessions ? `, ≤${selection.sessions} sessions each` : ""}`;
}

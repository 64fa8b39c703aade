/**
 * The model workbench: perplexity runs, stored and comparable; blind A/B runs with voting and a
 * report; reply statistics. Long work runs as a job (see evalJobs) on the model it names, loaded
 * under the model lock; each run is a row that records how it ended.
 */
import { randomInt } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { ParsedRequestOf } from "../../../shared/api/contract";
import type {
  AbContestant,
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
import type { ExportedFile } from "../../../shared/domain/library";
import { SAMPLER_KEYS } from "../../../shared/domain/settings";
import { MasqueError } from "../../../shared/errors";
import { findTemplate } from "../../../shared/prompt/template";
import type { EvalRunRepository, EvalRunRow } from "../../storage/evalRunRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import type { Engine, SamplerSettings } from "../engine/engine";
import type { EventBus } from "../eventBus";
import type { ModelService } from "../modelService";
import { buildPrompt } from "../promptBuilder";
import { abItems, type StoredAbPrompt, sampleAbPrompts } from "./abPlan";
import { abContestantReports } from "./abReport";
import { compareRuns } from "./compareRuns";
import { EvalJobs } from "./evalJobs";
import { chatConversations, referenceConversations, type SourceRepositories } from "./evalSources";
import { modelFile, modelFingerprint } from "./modelFingerprint";
import { figuresOf } from "./perplexityFigures";
import { runPerplexityJob } from "./perplexityJob";
import { type ReplySet, replyStatsReport } from "./replyStatsReport";
import { exportRun, type RunExportFormat } from "./runExport";

export const DEFAULT_AB_ITEMS = 10;
export const DEFAULT_AB_MAX_TOKENS = 200;

interface PerplexitySettings {
  model: PerplexityResult["model"];
  contextSize: number;
  templateId: string | null;
}

interface AbSettings {
  contestants: AbContestant[];
  seed: number;
  maxTokens: number;
}

export interface EvalServiceOptions {
  runs: EvalRunRepository;
  repos: SourceRepositories;
  engine: Engine;
  models: ModelService;
  settings: SettingsStore;
  events: EventBus;
  transaction: <T>(work: () => T) => T;
  log?: (line: string) => void;
}

export class EvalService {
  private readonly jobs: EvalJobs;
  private readonly runs: EvalRunRepository;

  constructor(private readonly options: EvalServiceOptions) {
    this.runs = options.runs;
    // Runs left "running" by dead processes are marked when runs are read, not at start-up:
    // commands that never look at runs never touch the workbench's tables.
    this.jobs = new EvalJobs(options.runs, options.events, options.log);
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
    this.checkSelection(selection);
    this.checkScorable(selection);
    if (input.templateId) this.checkTemplate(input.templateId);
    const file = modelFile(input.model);
    const contextSize = input.contextSize ?? this.options.settings.getAll().contextSize;
    const settings: PerplexitySettings = {
      model: { path: file.path, fileName: file.fileName, sizeBytes: file.sizeBytes, sha256: "" },
      contextSize,
      templateId: input.templateId ?? null,
    };
    const runId = this.runs.create({
      kind: "perplexity",
      label: `${file.fileName} · ${describeSelection(selection)}`,
      selection,
      settings,
    });
    this.jobs.start(runId, "perplexity", async (job) => {
      const started = Date.now();
      job.progress("loading", 0, 1);
      const model = await modelFingerprint(file, this.runs);
      this.runs.setSettings(runId, { ...settings, model });
      return this.options.models.withModel(model.path, async () => {
        const scoring = await this.options.engine.openScoring({ contextSize });
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

  async abNew(input: ParsedRequestOf<"eval.abNew">): Promise<{ runId: number; items: number }> {
    this.jobs.assertIdle();
    const settings = this.options.settings.getAll();
    const contestants: AbContestant[] = [];
    for (const [index, c] of input.contestants.entries()) {
      if (c.templateId) this.checkTemplate(c.templateId);
      if (c.preset && !settings.samplerPresets.some((p) => p.name.toLowerCase() === c.preset?.toLowerCase()))
        throw new MasqueError(
          "NOT_FOUND",
          `contestants[${index}].preset: preset "${c.preset}" does not exist`,
          {
            field: `contestants.${index}.preset`,
          },
        );
      const file = modelFile(c.model, `contestants.${index}.model`);
      const templateId = c.templateId ?? "auto";
      const preset = c.preset ?? null;
      contestants.push({
        id: `c${index + 1}`,
        label: `${file.fileName} · ${templateId} · ${preset ?? "current sampler"}`,
        model: { path: file.path, fileName: file.fileName, sizeBytes: file.sizeBytes, sha256: "" },
        templateId,
        preset,
      });
    }
    const distinct = new Set(contestants.map((c) => JSON.stringify([c.model.path, c.templateId, c.preset])));
    if (distinct.size < contestants.length)
      throw new MasqueError(
        "INVALID_INPUT",
        "contestants: two contestants are the same model, template and preset",
        {
          field: "contestants",
        },
      );
    const selection = input.characterIds
      ? { characterIds: input.characterIds }
      : { chatIds: input.chatIds ?? [] };
    this.checkSelection(selection);
    const conversations = input.characterIds
      ? referenceConversations(this.options.repos, input.characterIds)
      : chatConversations(this.options.repos, input.chatIds ?? []);
    const seed = input.seed ?? randomInt(0, 2 ** 31 - 1);
    const prompts = sampleAbPrompts(conversations, input.items ?? DEFAULT_AB_ITEMS, seed);
    if (prompts.length === 0)
      throw new MasqueError("INVALID_INPUT", "the selection holds no user turn to answer", {
        field: input.characterIds ? "characterIds" : "chatIds",
      });
    const items = abItems(
      contestants.map((c) => c.id),
      prompts.length,
      seed,
    );
    const abSettings: AbSettings = { contestants, seed, maxTokens: input.maxTokens ?? DEFAULT_AB_MAX_TOKENS };
    const runId = this.options.transaction(() => {
      const id = this.runs.create({
        kind: "ab",
        label: `A/B: ${contestants.map((c) => c.model.fileName).join(" vs ")}`,
        selection,
        settings: abSettings,
      });
      this.runs.addAbPrompts(id, prompts);
      this.runs.addAbItems(id, items);
      return id;
    });
    this.startAbGeneration(runId);
    return { runId, items: items.length };
  }

  /** The first item not voted on, blind; waits for (and if interrupted, resumes) the generation of its replies. */
  async abNext(runId: number): Promise<AbNext> {
    const row = this.abRun(runId);
    const next = this.runs.abItems(runId).find((i) => i.vote === null);
    if (!next) return { done: true };
    let pair = this.replyPair(runId, next.promptIndex, next.slotA, next.slotB);
    if (!pair) {
      if (!this.jobs.isRunning(runId)) {
        this.jobs.assertIdle();
        this.runs.claim(runId);
        this.startAbGeneration(runId);
      }
      await this.jobs.settled(runId);
      pair = this.replyPair(runId, next.promptIndex, next.slotA, next.slotB);
      if (!pair) {
        const after = this.runs.get(row.id);
        throw new MasqueError(
          after.status === "cancelled" ? "ABORTED" : "INTERNAL",
          `the replies of item ${next.item} could not be generated (${after.error ?? after.status})`,
        );
      }
    }
    const prompt = this.runs.abPrompts(runId)[next.promptIndex] as StoredAbPrompt;
    return {
      item: next.item,
      prompt: { characterName: prompt.characterName, history: prompt.history },
      replies: [
        { slot: "a", text: pair[0] },
        { slot: "b", text: pair[1] },
      ],
    };
  }

  abVote(runId: number, item: number, vote: AbVote): { item: number; vote: AbVote; remaining: number } {
    this.abRun(runId);
    const target = this.runs.abItems(runId).find((i) => i.item === item);
    if (!target)
      throw new MasqueError("NOT_FOUND", `item ${item} is not in A/B run ${runId}`, { field: "item" });
    if (!this.replyPair(runId, target.promptIndex, target.slotA, target.slotB))
      throw new MasqueError(
        "INVALID_INPUT",
        `item ${item} has no replies yet; ask for it with eval.abNext first`,
        {
          field: "item",
        },
      );
    this.runs.vote(runId, item, vote);
    return { item, vote, remaining: this.runs.abItems(runId).filter((i) => i.vote === null).length };
  }

  abReport(runId: number): AbReport {
    const row = this.abRun(runId);
    const { contestants } = row.settings as AbSettings;
    const items = this.runs.abItems(runId);
    const prompts = this.runs.abPrompts(runId) as StoredAbPrompt[];
    const replies = this.runs.abReplies(runId);
    const tokensOf = (promptIndex: number, contestant: string) =>
      replies.find((r) => r.promptIndex === promptIndex && r.contestant === contestant)?.tokens ?? 0;
    return {
      runId,
      status: row.status,
      contestants: abContestantReports(
        contestants,
        items,
        replies.map((r) => ({ contestant: r.contestant, tokens: r.tokens, words: wordCount(r.text) })),
      ),
      items: items.map((i) => ({
        item: i.item,
        slots: { a: i.slotA, b: i.slotB },
        vote: i.vote,
        source: (prompts[i.promptIndex] as StoredAbPrompt).source,
        replyTokens: { a: tokensOf(i.promptIndex, i.slotA), b: tokensOf(i.promptIndex, i.slotB) },
      })),
    };
  }

  // ---- reply statistics ----

  stats(input: ParsedRequestOf<"eval.stats">): ReplyStatsReport {
    const settings = this.options.settings.getAll();
    let sets: ReplySet[];
    let characterIds: number[];
    if (input.abRunId !== undefined) {
      const row = this.abRun(input.abRunId);
      const { contestants } = row.settings as AbSettings;
      const replies = this.runs.abReplies(row.id);
      sets = contestants.map((c) => ({
        label: c.label,
        texts: replies.filter((r) => r.contestant === c.id).map((r) => r.text),
      }));
      characterIds = [
        ...new Set((this.runs.abPrompts(row.id) as StoredAbPrompt[]).map((p) => p.source.characterId)),
      ];
    } else {
      const conversations = chatConversations(this.options.repos, input.chatIds ?? []);
      sets = conversations.map((c) => ({
        label: `Chat ${c.chatId} (${c.card.name})`,
        texts: c.turns.filter((t, i) => t.role === "character" && i > 0).map((t) => t.text),
      }));
      characterIds = [...new Set(conversations.map((c) => c.characterId))];
    }
    const reference = referenceConversations(this.options.repos, characterIds).flatMap((c) =>
      // Greetings come from the card, not from a model turn: left out on both sides.
      c.turns.filter((t, i) => t.role === "character" && i > 0 && t.text.trim()).map((t) => t.text),
    );
    const engine = this.options.engine;
    return replyStatsReport(
      sets,
      reference.length > 0 ? { label: "PIPPA bot turns", texts: reference } : null,
      {
        userNames: [settings.userName],
        ...(engine.loaded() ? { countTokens: (t: string) => engine.countTokens(t) } : {}),
      },
    );
  }

  // ---- internals ----

  private startAbGeneration(runId: number): void {
    const stored = this.runs.get(runId).settings as AbSettings;
    const { seed, maxTokens } = stored;
    const prompts = this.runs.abPrompts(runId) as StoredAbPrompt[];
    this.jobs.start(runId, "ab", async (job) => {
      job.progress("loading", 0, 1);
      const contestants: AbContestant[] = [];
      for (const c of stored.contestants) {
        const model = c.model.sha256 ? c.model : await modelFingerprint(modelFile(c.model.path), this.runs);
        contestants.push({ ...c, model });
      }
      this.runs.setSettings(runId, { ...stored, contestants });
      const have = new Set(this.runs.abReplies(runId).map((r) => `${r.promptIndex}:${r.contestant}`));
      const total = prompts.length * contestants.length;
      let done = have.size;
      job.progress("generating", done, total);
      // All prompts of one model before switching to the next: one load per contestant.
      for (const contestant of contestants) {
        const missing = prompts.map((_, i) => i).filter((i) => !have.has(`${i}:${contestant.id}`));
        if (missing.length === 0) continue;
        if (job.signal.aborted) break;
        await this.options.models.withModel(contestant.model.path, async () => {
          const sessionKey = `eval-ab:${runId}`;
          try {
            for (const promptIndex of missing) {
              if (job.signal.aborted) return;
              const reply = await this.generateReply(contestant, prompts[promptIndex] as StoredAbPrompt, {
                seed: (seed + promptIndex) % 2 ** 31,
                maxTokens,
                sessionKey,
                signal: job.signal,
              });
              this.runs.addAbReply(runId, { promptIndex, contestant: contestant.id, ...reply });
              job.progress("generating", ++done, total);
            }
          } finally {
            await this.options.engine.releaseSession(sessionKey);
          }
        });
      }
      return {};
    });
  }

  private async generateReply(
    contestant: AbContestant,
    prompt: StoredAbPrompt,
    options: { seed: number; maxTokens: number; sessionKey: string; signal: AbortSignal },
  ): Promise<{ text: string; tokens: number }> {
    const settings = this.options.settings.getAll();
    const engine = this.options.engine;
    const assembled = buildPrompt(engine, {
      card: this.options.repos.characters.get(prompt.source.characterId).data,
      settings,
      options: { templateId: contestant.templateId },
      history: prompt.history.map((t, i) => ({ id: i + 1, role: t.role, text: t.text })),
      mode: "reply",
      maxTokens: options.maxTokens,
    });
    const result = await engine.generate({
      sessionKey: options.sessionKey,
      prompt: assembled.blocks.flatMap((b) => b.pieces),
      stopStrings: assembled.stopStrings,
      stopMarkers: assembled.stopMarkers,
      maxTokens: options.maxTokens,
      sampler: this.sampler(contestant.preset),
      seed: options.seed,
      signal: options.signal,
      onText: () => {},
    });
    return { text: result.text.trim(), tokens: result.stats.generatedTokens };
  }

  private sampler(preset: string | null): SamplerSettings {
    const settings = this.options.settings.getAll();
    const values = Object.fromEntries(
      SAMPLER_KEYS.map((k) => [k, settings[k]]),
    ) as unknown as SamplerSettings;
    const chosen = preset
      ? settings.samplerPresets.find((p) => p.name.toLowerCase() === preset.toLowerCase())
      : undefined;
    if (preset && !chosen) throw new MasqueError("NOT_FOUND", `preset "${preset}" does not exist any more`);
    return { ...values, ...(chosen?.values as Partial<SamplerSettings> | undefined) };
  }

  private replyPair(runId: number, promptIndex: number, a: string, b: string): [string, string] | null {
    const replies = this.runs.abReplies(runId).filter((r) => r.promptIndex === promptIndex);
    const textA = replies.find((r) => r.contestant === a)?.text;
    const textB = replies.find((r) => r.contestant === b)?.text;
    return textA === undefined || textB === undefined ? null : [textA, textB];
  }

  private abRun(runId: number): EvalRunRow {
    this.runs.markInterrupted((id) => this.jobs.isRunning(id));
    const row = this.runs.get(runId);
    if (row.kind !== "ab")
      throw new MasqueError("INVALID_INPUT", `run ${runId} is a perplexity run, not an A/B run`, {
        field: "runId",
      });
    return row;
  }

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

  private checkSelection(selection: { characterIds?: number[]; chatIds?: number[] }): void {
    for (const id of selection.characterIds ?? []) this.options.repos.characters.get(id);
    for (const id of selection.chatIds ?? []) this.options.repos.chats.getChat(id);
  }

  /** Refuses, before any run is stored, a selection with nothing in it to score. */
  private checkScorable(selection: PerplexitySelection): void {
    if (selection.textFile !== undefined) {
      const file = resolve(selection.textFile);
      if (!existsSync(file) || !statSync(file).isFile())
        throw new MasqueError("NOT_FOUND", `textFile: ${file} does not exist`, { field: "textFile" });
      selection.textFile = file;
    }
    const empty = (selection.characterIds ?? []).filter(
      (id) => this.options.repos.sessions.list(id).length === 0,
    );
    if (empty.length > 0)
      throw new MasqueError(
        "INVALID_INPUT",
        `characterIds: character ${empty.join(", ")} has no reference sessions to score (import its PIPPA sessions first)`,
        { field: "characterIds" },
      );
  }

  private checkTemplate(templateId: string): void {
    if (templateId !== "auto" && templateId !== "model" && !findTemplate(templateId))
      throw new MasqueError("INVALID_INPUT", `templateId: unknown template "${templateId}"`, {
        field: "templateId",
      });
  }
}

function describeSelection(selection: PerplexitySelection): string {
  if (selection.textFile) return `text ${selection.textFile.split(/[\\/]/).at(-1)}`;
  if (selection.chatIds) return `${selection.chatIds.length} chat(s)`;
  return `${selection.characterIds?.length ?? 0} character(s)${selection.sessions ? `, ≤${selection.sessions} sessions each` : ""}`;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

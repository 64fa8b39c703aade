/**
 * Blind A/B runs: contestants (model + template + sampler preset) answer sampled prompts with the
 * same seed, one model loaded at a time, all its prompts before the next; the user votes on pairs
 * labelled only A and B; the report reveals the labels. Replies and votes are stored as they come,
 * so a run survives a restart and an interrupted generation is resumed by the next `abNext`.
 */
import { randomInt } from "node:crypto";
import type { ParsedRequestOf } from "../../../shared/api/contract";
import {
  type AbContestant,
  type AbNext,
  type AbReport,
  type AbVote,
  modelLabel,
} from "../../../shared/domain/eval";
import { SAMPLER_KEYS } from "../../../shared/domain/settings";
import { MasqueError } from "../../../shared/errors";
import type { EvalRunRepository, EvalRunRow } from "../../storage/evalRunRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import type { Engine, SamplerSettings } from "../engine/engine";
import type { ModelService } from "../modelService";
import type { AdapterLibrary } from "../models/adapters";
import { buildPrompt } from "../promptBuilder";
import { abItems, type StoredAbPrompt, sampleAbPrompts } from "./abPlan";
import { abContestantReports } from "./abReport";
import type { EvalJobs } from "./evalJobs";
import { chatConversations, referenceConversations, type SourceRepositories } from "./evalSources";
import { modelFile, modelFingerprint } from "./modelFingerprint";
import { checkSelection, checkTemplate } from "./selectionChecks";

export const DEFAULT_AB_ITEMS = 10;
export const DEFAULT_AB_MAX_TOKENS = 200;

/** What an A/B run row keeps in its settings. */
export interface AbSettings {
  contestants: AbContestant[];
  seed: number;
  maxTokens: number;
}

export interface AbServiceOptions {
  runs: EvalRunRepository;
  jobs: EvalJobs;
  repos: SourceRepositories;
  engine: Engine;
  models: ModelService;
  settings: SettingsStore;
  adapters: Pick<AdapterLibrary, "checkFor">;
  transaction: <T>(work: () => T) => T;
}

export class AbService {
  private readonly runs: EvalRunRepository;
  private readonly jobs: EvalJobs;

  constructor(private readonly options: AbServiceOptions) {
    this.runs = options.runs;
    this.jobs = options.jobs;
  }

  async create(input: ParsedRequestOf<"eval.abNew">): Promise<{ runId: number; items: number }> {
    this.jobs.assertIdle();
    const settings = this.options.settings.getAll();
    const contestants: AbContestant[] = [];
    for (const [index, c] of input.contestants.entries()) {
      if (c.templateId) checkTemplate(c.templateId, `contestants.${index}.templateId`);
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
      const lora = await this.options.adapters.checkFor(file.path, c.lora ?? []);
      const base = { path: file.path, fileName: file.fileName, sizeBytes: file.sizeBytes, sha256: "" };
      const model = lora.length > 0 ? { ...base, lora } : base;
      contestants.push({
        id: `c${index + 1}`,
        label: `${modelLabel(model)} · ${templateId} · ${preset ?? "current sampler"}`,
        model,
        templateId,
        preset,
      });
    }
    const distinct = new Set(
      contestants.map((c) =>
        JSON.stringify([
          c.model.path,
          c.templateId,
          c.preset,
          (c.model.lora ?? []).map((a) => [a.sha256, a.scale]),
        ]),
      ),
    );
    if (distinct.size < contestants.length)
      throw new MasqueError(
        "INVALID_INPUT",
        "contestants: two contestants are the same model, adapters, template and preset",
        {
          field: "contestants",
        },
      );
    const selection = input.characterIds
      ? { characterIds: input.characterIds }
      : { chatIds: input.chatIds ?? [] };
    checkSelection(this.options.repos, selection);
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
        label: `A/B: ${contestants.map((c) => modelLabel(c.model)).join(" vs ")}`,
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
  async next(runId: number): Promise<AbNext> {
    const row = this.run(runId);
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

  vote(runId: number, item: number, vote: AbVote): { item: number; vote: AbVote; remaining: number } {
    this.run(runId);
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

  report(runId: number): AbReport {
    const row = this.run(runId);
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

  private startAbGeneration(runId: number): void {
    const stored = this.runs.get(runId).settings as AbSettings;
    const { seed, maxTokens } = stored;
    const prompts = this.runs.abPrompts(runId) as StoredAbPrompt[];
    this.jobs.start(runId, "ab", async (job) => {
      job.progress("loading", 0, 1);
      const contestants: AbContestant[] = [];
      for (const c of stored.contestants) {
        const model = c.model.sha256
          ? c.model
          : {
              ...(await modelFingerprint(modelFile(c.model.path), this.runs)),
              ...(c.model.lora ? { lora: c.model.lora } : {}),
            };
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
      lora: (contestant.model.lora ?? []).map(({ path, scale }) => ({ path, scale })),
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

  /** The A/B run (runs left by dead processes marked first); INVALID_INPUT for a perplexity run. */
  run(runId: number): EvalRunRow {
    this.runs.markInterrupted((id) => this.jobs.isRunning(id));
    const row = this.runs.get(runId);
    if (row.kind !== "ab")
      throw new MasqueError("INVALID_INPUT", `run ${runId} is a perplexity run, not an A/B run`, {
        field: "runId",
      });
    return row;
  }
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

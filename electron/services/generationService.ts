/**
 * Everything that asks the model for text: send (a reply to a new user message), regenerate (a
 * new swipe of any character message), continue (extend the last reply), impersonate (draft the
 * user's next message). Each returns a generation id at once; text streams as batched delta
 * events; the result is stored when generation ends (a stopped reply keeps its text).
 */
import { randomInt, randomUUID } from "node:crypto";
import { basename } from "node:path";
import type {
  GenerationOptions,
  GenerationStarted,
  PromptReport,
  SendResult,
} from "../../shared/api/contract";
import type { GenerationKind, Message, PendingGeneration } from "../../shared/domain/chat";
import { SAMPLER_KEYS, type Settings } from "../../shared/domain/settings";
import { MasqueError, toApiError } from "../../shared/errors";
import type { AssembledPrompt, AssembleMode, PromptMessage } from "../../shared/prompt/assemble";
import type { CharacterRepository } from "../storage/characterRepository";
import type { ChatRepository } from "../storage/chatRepository";
import type { SettingsStore } from "../storage/settingsStore";
import { DeltaBatcher } from "./deltaBatcher";
import type { Engine, GenerateResult, SamplerSettings } from "./engine/engine";
import type { EventBus } from "./eventBus";
import type { ModelService } from "./modelService";
import { buildPrompt } from "./promptBuilder";

interface ActiveGeneration extends PendingGeneration {
  chatId: number;
  controller: AbortController;
  done: Promise<void>;
}

interface Plan {
  chatId: number;
  kind: GenerationKind;
  parentId: number | null;
  /** The message a "continue" extends. */
  target: Message | null;
  prompt: AssembledPrompt & { resolved: { template: { id: string } } };
  maxTokens: number;
  seed: number;
  sampler: SamplerSettings;
}

const FINISHED_IDS_KEPT = 200;

export class GenerationService {
  private readonly active = new Map<string, ActiveGeneration>();
  private readonly finished: string[] = [];

  constructor(
    private readonly chats: ChatRepository,
    private readonly characters: CharacterRepository,
    private readonly settings: SettingsStore,
    private readonly engine: Engine,
    private readonly models: ModelService,
    private readonly events: EventBus,
  ) {}

  async send(chatId: number, text: string, options: GenerationOptions = {}): Promise<SendResult> {
    const chat = this.chats.getChat(chatId);
    this.assertIdle(chatId);
    await this.models.ensureLoaded();
    const history = [...this.history(chatId, chat.activeLeafId), { id: 0, role: "user" as const, text }];
    // Budget first: a message that cannot fit is refused before anything is stored.
    const plan = this.plan(chatId, "reply", history, "reply", options);
    const user = this.chats.addMessage({ chatId, parentId: chat.activeLeafId, role: "user", text });
    const started = this.start({ ...plan, parentId: user.id });
    return { ...started, userMessageId: user.id };
  }

  /** A new swipe of a character message (default: the last one); the new swipe becomes active. */
  async regenerate(
    chatId: number,
    messageId?: number,
    options: GenerationOptions = {},
  ): Promise<GenerationStarted> {
    const chat = this.chats.getChat(chatId);
    this.assertIdle(chatId);
    const leaf = chat.activeLeafId === null ? null : this.chats.getMessage(chat.activeLeafId);
    const target = messageId === undefined ? leaf : this.chats.getMessage(messageId);
    if (!target || target.chatId !== chatId) {
      throw new MasqueError("NOT_FOUND", `message ${messageId ?? "(none)"} is not in chat ${chatId}`);
    }
    await this.models.ensureLoaded();
    if (target.role === "user") {
      // Nothing to swipe yet: answer the user's message.
      const plan = this.plan(chatId, "reply", this.history(chatId, target.id), "reply", options);
      return this.start({ ...plan, parentId: target.id });
    }
    const plan = this.plan(chatId, "swipe", this.history(chatId, target.parentId), "reply", options);
    return this.start({ ...plan, parentId: target.parentId });
  }

  /** Extends the last character message of the active path. */
  async continue(chatId: number, options: GenerationOptions = {}): Promise<GenerationStarted> {
    const chat = this.chats.getChat(chatId);
    this.assertIdle(chatId);
    const leaf = chat.activeLeafId === null ? null : this.chats.getMessage(chat.activeLeafId);
    if (leaf?.role !== "character") {
      throw new MasqueError("INVALID_INPUT", "continue needs a character message at the end of the chat");
    }
    await this.models.ensureLoaded();
    const plan = this.plan(chatId, "continue", this.history(chatId, leaf.id), "continue", options);
    return this.start({ ...plan, parentId: leaf.parentId, target: leaf });
  }

  /** Drafts the user's next message in the user's voice; it is never stored or sent. */
  async impersonate(chatId: number, options: GenerationOptions = {}): Promise<GenerationStarted> {
    const chat = this.chats.getChat(chatId);
    this.assertIdle(chatId);
    await this.models.ensureLoaded();
    const plan = this.plan(
      chatId,
      "impersonate",
      this.history(chatId, chat.activeLeafId),
      "impersonate",
      options,
    );
    return this.start({ ...plan, parentId: chat.activeLeafId });
  }

  abort(generationId: string): { aborted: boolean } {
    const generation = this.active.get(generationId);
    if (generation) {
      generation.controller.abort();
      return { aborted: true };
    }
    if (this.finished.includes(generationId)) return { aborted: false };
    throw new MasqueError("NOT_FOUND", `generation ${generationId} does not exist`);
  }

  pending(chatId: number): PendingGeneration | null {
    const g = [...this.active.values()].find((a) => a.chatId === chatId);
    return g
      ? {
          generationId: g.generationId,
          kind: g.kind,
          parentId: g.parentId,
          messageId: g.messageId,
          text: g.text,
        }
      : null;
  }

  assertIdle(chatId: number): void {
    if ([...this.active.values()].some((g) => g.chatId === chatId)) {
      throw new MasqueError("BUSY", `chat ${chatId} is generating; stop it or wait`);
    }
  }

  /** Resolves when the generation has ended and its result is stored (for the CLI and tests). */
  async settled(generationId: string): Promise<void> {
    await this.active.get(generationId)?.done;
  }

  async abortAll(): Promise<void> {
    const running = [...this.active.values()];
    for (const g of running) g.controller.abort();
    await Promise.all(running.map((g) => g.done));
  }

  /** The prompt behind the chat's last reply (or the next one), for the prompt inspector. */
  async promptReport(chatId: number): Promise<PromptReport> {
    const chat = this.chats.getChat(chatId);
    await this.models.ensureLoaded();
    const leaf = chat.activeLeafId === null ? null : this.chats.getMessage(chat.activeLeafId);
    const replied = leaf?.role === "character" && leaf.stats !== null && leaf.parentId !== null;
    const history = this.history(chatId, replied ? (leaf?.parentId ?? null) : chat.activeLeafId);
    const plan = this.plan(chatId, "reply", history, "reply", {});
    const loaded = this.engine.loaded();
    return {
      templateId: plan.prompt.resolved.template.id,
      templateLabel: (plan.prompt.resolved as { label?: string }).label ?? plan.prompt.resolved.template.id,
      contextSize: loaded?.contextSize ?? 0,
      maxReplyTokens: plan.maxTokens,
      budget: plan.prompt.budget,
      promptTokens: plan.prompt.promptTokens,
      blocks: plan.prompt.blocks.map((b) => ({
        kind: b.kind,
        messageId: b.messageId,
        tokens: b.tokens,
        text: b.pieces.map((p) => p.text).join(""),
      })),
      dropped: plan.prompt.dropped,
      lastReply:
        replied && leaf?.stats
          ? {
              messageId: leaf.id,
              promptTokens: leaf.stats.promptTokens,
              evaluatedTokens: leaf.stats.evaluatedTokens,
              reusedTokens: leaf.stats.promptTokens - leaf.stats.evaluatedTokens,
            }
          : null,
    };
  }

  private history(chatId: number, leafId: number | null): PromptMessage[] {
    if (leafId === null) return [];
    return this.chats.activePath(chatId, leafId).map((m) => ({
      id: m.id,
      role: m.role,
      text: m.text,
      generated: m.role === "character" && m.stats !== null && m.editedAt === null,
    }));
  }

  private plan(
    chatId: number,
    kind: GenerationKind,
    history: PromptMessage[],
    mode: AssembleMode,
    options: GenerationOptions,
  ): Plan {
    const chat = this.chats.getChat(chatId);
    const settings = this.settings.getAll();
    const maxTokens = options.maxTokens ?? settings.maxTokens;
    const prompt = buildPrompt(this.engine, {
      card: this.characters.get(chat.characterId).data,
      settings,
      options: this.chats.options(chatId),
      history,
      mode,
      maxTokens,
    });
    return {
      chatId,
      kind,
      parentId: null,
      target: null,
      prompt,
      maxTokens,
      seed: options.seed ?? randomInt(0, 2 ** 31),
      sampler: samplerFrom(settings, options.temperature),
    };
  }

  private start(plan: Plan): GenerationStarted {
    const generationId = randomUUID();
    const generation: ActiveGeneration = {
      generationId,
      chatId: plan.chatId,
      kind: plan.kind,
      parentId: plan.parentId,
      messageId: plan.target?.id ?? null,
      text: "",
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    this.active.set(generationId, generation);
    this.events.emit("generation.started", {
      generationId,
      chatId: plan.chatId,
      kind: plan.kind,
      parentId: plan.parentId,
      messageId: generation.messageId,
    });
    const batcher = new DeltaBatcher((text) =>
      this.events.emit("generation.delta", { generationId, chatId: plan.chatId, text }),
    );
    generation.done = this.run(generation, plan, batcher).finally(() => {
      batcher.flush();
      this.active.delete(generationId);
      this.finished.push(generationId);
      if (this.finished.length > FINISHED_IDS_KEPT) this.finished.shift();
    });
    return { generationId, chatId: plan.chatId, kind: plan.kind, parentId: plan.parentId };
  }

  private async run(generation: ActiveGeneration, plan: Plan, batcher: DeltaBatcher): Promise<void> {
    const { generationId, chatId } = generation;
    try {
      const result = await this.engine.generate({
        sessionKey: String(chatId),
        prompt: plan.prompt.blocks.flatMap((b) => b.pieces),
        stopStrings: plan.prompt.stopStrings,
        stopMarkers: plan.prompt.stopMarkers,
        maxTokens: plan.maxTokens,
        sampler: plan.sampler,
        seed: plan.seed,
        signal: generation.controller.signal,
        onText: (text) => {
          generation.text += text;
          batcher.push(text);
        },
      });
      batcher.flush();
      if (plan.kind === "impersonate") {
        this.events.emit("generation.draft", { generationId, chatId, text: result.text.trim() });
        return;
      }
      const message = this.store(plan, result);
      this.events.emit("generation.done", { generationId, chatId, message });
    } catch (error) {
      batcher.flush();
      this.keepPartial(plan, generation.text);
      this.events.emit("generation.error", { generationId, chatId, error: toApiError(error) });
    }
  }

  private store(plan: Plan, result: GenerateResult): Message {
    const status = result.stopReason === "aborted" ? ("stopped" as const) : ("complete" as const);
    const loaded = this.engine.loaded();
    const provenance = {
      modelFile: loaded ? basename(loaded.path) : "",
      modelSize: loaded?.sizeBytes ?? 0,
      modelHash: loaded?.contentHash ?? "",
      template: plan.prompt.resolved.template.id,
      threads: loaded?.threads ?? 0,
      contextSize: loaded?.contextSize ?? 0,
      sampler: { ...plan.sampler, maxTokens: plan.maxTokens },
      seed: plan.seed,
      droppedMessages: plan.prompt.droppedMessageIds.length,
      reusedTokens: result.stats.promptTokens - result.stats.evaluatedTokens,
    };
    const reply = { status, stopReason: result.stopReason, stats: result.stats, provenance };
    if (plan.kind === "continue" && plan.target) {
      return this.chats.updateReply(plan.target.id, {
        ...reply,
        text: (plan.target.text + result.text).trimEnd(),
      });
    }
    return this.chats.addMessage({
      chatId: plan.chatId,
      parentId: plan.parentId,
      role: "character",
      text: result.text.trimEnd(),
      ...reply,
    });
  }

  /** Whatever was generated before a failure is kept as a stopped reply, never thrown away. */
  private keepPartial(plan: Plan, text: string): void {
    if (!text.trim() || plan.kind === "impersonate") return;
    if (plan.kind === "continue" && plan.target) {
      this.chats.updateReply(plan.target.id, {
        text: (plan.target.text + text).trimEnd(),
        status: "stopped",
        stopReason: "error",
      });
      return;
    }
    this.chats.addMessage({
      chatId: plan.chatId,
      parentId: plan.parentId,
      role: "character",
      text: text.trim(),
      status: "stopped",
      stopReason: "error",
    });
  }
}

function samplerFrom(settings: Settings, temperature: number | undefined): SamplerSettings {
  const values = Object.fromEntries(SAMPLER_KEYS.map((k) => [k, settings[k]])) as unknown as SamplerSettings;
  return temperature === undefined ? values : { ...values, temperature };
}

/**
 * Runs one started generation to its end and reports it with the generation protocol: `started`
 * (seq 0), batched deltas (seq 1, 2, … each with the offset of its text), then one terminal event
 * (`done`, `error` or `draft`) with the next seq. While text streams it is saved as a partial
 * reply, and the final message replaces that row in one transaction, so a crash loses at most the
 * last second of text and never leaves the user's message without its reply.
 */
import type { GenerationKind, Message } from "../../shared/domain/chat";
import { type ApiError, toApiError } from "../../shared/errors";
import type { ChatRepository } from "../storage/chatRepository";
import type { PartialReplyRepository } from "../storage/partialReplyRepository";
import { DeltaBatcher } from "./deltaBatcher";
import type { Engine, GenerateResult } from "./engine/engine";
import type { EventBus } from "./eventBus";
import type { GenerationPlanner, Plan } from "./generationPlan";
import { PARTIAL_SAVE_INTERVAL_MS, PartialReplyWriter } from "./partialReplyWriter";

/** A generation's state as clients can see it: the text and seq after its last emitted event. */
export interface LiveGeneration {
  generationId: string;
  chatId: number;
  kind: GenerationKind;
  parentId: number | null;
  /** For "continue": the message being extended. */
  messageId: number | null;
  /** The text emitted in deltas so far (never text still waiting in the batcher). */
  text: string;
  /** The seq of the last event emitted. */
  seq: number;
  controller: AbortController;
}

export interface GenerationRunnerOptions {
  engine: Engine;
  events: EventBus;
  chats: ChatRepository;
  partials: PartialReplyRepository;
  planner: GenerationPlanner;
  transaction: <T>(work: () => T) => T;
  partialSaveIntervalMs?: number;
  deltaIntervalMs?: number;
  log?: (line: string) => void;
}

type Ending = { message: Message } | { draft: string } | { error: ApiError; message: Message | null };

export class GenerationRunner {
  constructor(private readonly options: GenerationRunnerOptions) {}

  /** Whether this kind of generation is stored (and so saved while it streams). */
  static stores(kind: GenerationKind): boolean {
    return kind !== "impersonate";
  }

  /** Saves the (empty) partial reply row; call inside the transaction that stores the user's message, if any. */
  savePartial(generationId: string, plan: Plan, ownerId: string): void {
    if (!GenerationRunner.stores(plan.kind)) return;
    this.options.partials.insert({
      generationId,
      chatId: plan.chatId,
      kind: plan.kind as "reply" | "swipe" | "continue",
      parentId: plan.parentId,
      targetId: plan.target?.id ?? null,
      provenance: this.options.planner.provenance(plan),
      ownerId,
      characterId: plan.characterId,
    });
  }

  /**
   * Streams the generation and stores its result. `end` runs after the result is stored and
   * before the terminal event, so a client reacting to that event finds the chat free. Never throws.
   */
  async run(g: LiveGeneration, plan: Plan, end: () => void): Promise<void> {
    const { events } = this.options;
    const { generationId, chatId } = g;
    events.emit("generation.started", {
      generationId,
      chatId,
      seq: 0,
      kind: g.kind,
      parentId: g.parentId,
      messageId: g.messageId,
    });
    const writer = GenerationRunner.stores(g.kind)
      ? new PartialReplyWriter(
          this.options.partials,
          generationId,
          this.options.partialSaveIntervalMs ?? PARTIAL_SAVE_INTERVAL_MS,
          (error) => this.options.log?.(`saving the partial reply failed: ${(error as Error).message}`),
        )
      : null;
    const batcher = new DeltaBatcher((text) => {
      const offset = g.text.length;
      g.text += text;
      g.seq++;
      events.emit("generation.delta", { generationId, chatId, seq: g.seq, offset, text });
      writer?.update(g.text);
    }, this.options.deltaIntervalMs);

    let ending: Ending;
    try {
      const result = await this.options.engine.generate({
        sessionKey: String(chatId),
        template: plan.prompt.resolved.template.id,
        ...(plan.lora.length > 0 ? { lora: plan.lora.map(({ path, scale }) => ({ path, scale })) } : {}),
        prompt: plan.prompt.blocks.flatMap((b) => b.pieces),
        stopStrings: plan.prompt.stopStrings,
        stopMarkers: plan.prompt.stopMarkers,
        maxTokens: plan.maxTokens,
        sampler: plan.sampler,
        seed: plan.seed,
        signal: g.controller.signal,
        onText: (text) => batcher.push(text),
      });
      batcher.flush();
      writer?.stop();
      ending =
        g.kind === "impersonate" ? { draft: result.text.trim() } : { message: this.store(g, plan, result) };
    } catch (error) {
      batcher.flush();
      writer?.stop();
      ending = { error: toApiError(error), message: this.keepPartial(g, plan) };
    }
    try {
      end();
    } catch (error) {
      this.options.log?.(`releasing chat ${chatId} failed: ${(error as Error).message}`);
    }
    this.emitEnding(g, ending);
  }

  private emitEnding(g: LiveGeneration, ending: Ending): void {
    const { generationId, chatId } = g;
    g.seq++;
    const seq = g.seq;
    if ("error" in ending) {
      this.options.events.emit("generation.error", {
        generationId,
        chatId,
        seq,
        error: ending.error,
        message: ending.message,
      });
    } else if ("draft" in ending) {
      this.options.events.emit("generation.draft", { generationId, chatId, seq, text: ending.draft });
    } else {
      this.options.events.emit("generation.done", { generationId, chatId, seq, message: ending.message });
    }
  }

  /** The final message, stored in the same transaction that drops the partial reply. */
  private store(g: LiveGeneration, plan: Plan, result: GenerateResult): Message {
    const status = result.stopReason === "aborted" ? ("stopped" as const) : ("complete" as const);
    const reply = {
      status,
      stopReason: result.stopReason,
      stats: result.stats,
      provenance: this.options.planner.provenance(
        plan,
        result.stats.promptTokens - result.stats.evaluatedTokens,
      ),
    };
    return this.options.transaction(() => {
      this.options.partials.delete(g.generationId);
      if (plan.kind === "continue" && plan.target) {
        return this.options.chats.updateReply(plan.target.id, {
          ...reply,
          text: (plan.target.text + result.text).trimEnd(),
        });
      }
      return this.options.chats.addMessage({
        chatId: plan.chatId,
        parentId: plan.parentId,
        role: "character",
        text: result.text.trimEnd(),
        characterId: plan.characterId,
        ...reply,
      });
    });
  }

  /**
   * Whatever was generated before a failure is kept as a stopped reply, never thrown away. If even
   * that cannot be stored, the partial reply row stays and becomes an interrupted reply later.
   */
  private keepPartial(g: LiveGeneration, plan: Plan): Message | null {
    const { chats, partials } = this.options;
    try {
      return this.options.transaction(() => {
        partials.delete(g.generationId);
        const text = g.text.trimEnd();
        if (!text.trim() || !GenerationRunner.stores(plan.kind)) return null;
        if (plan.kind === "continue" && plan.target) {
          return chats.updateReply(plan.target.id, {
            text: (plan.target.text + text).trimEnd(),
            status: "stopped",
            stopReason: "error",
          });
        }
        return chats.addMessage({
          chatId: plan.chatId,
          parentId: plan.parentId,
          role: "character",
          text,
          characterId: plan.characterId,
          status: "stopped",
          stopReason: "error",
        });
      });
    } catch (error) {
      this.options.log?.(`keeping the partial reply failed: ${(error as Error).message}`);
      return null;
    }
  }
}

/**
 * Everything that asks the model for text: send (a reply to a new user message), regenerate (a
 * new swipe of any character message), continue (extend the last reply), impersonate (draft the
 * user's next message).
 *
 * Each call, before any await, reserves its generation id (the caller's or a new one) and takes
 * the chat's lock (BUSY if another operation, here or in another process, holds it); then it waits
 * for the model (loading it if needed, visibly through `model.status`), fits the prompt into the
 * budget (CONTEXT_OVERFLOW stores nothing and frees the chat), stores the user's message and
 * returns. The generation's events start on a later macrotask, after the call has returned.
 */
import { randomUUID } from "node:crypto";
import type {
  GenerationOptions,
  GenerationStarted,
  PromptReport,
  SendResult,
} from "../../shared/api/contract";
import type { Message, PendingGeneration } from "../../shared/domain/chat";
import { MasqueError } from "../../shared/errors";
import type { ChatRepository } from "../storage/chatRepository";
import type { Engine } from "./engine/engine";
import type { GenerationPlanner, Plan, PlannedAdapter } from "./generationPlan";
import type { GenerationRunner, LiveGeneration } from "./generationRunner";
import type { ChatLock, ChatLocks } from "./locks/chatLocks";
import type { ModelService } from "./modelService";
import { loreReport } from "./promptLoreReport";

/** A call between its start and the launch of its generation (waiting for the model, planning). */
interface Ticket {
  id: string;
  chatId: number;
  aborted: boolean;
  launched: boolean;
  /** The chat's lock, handed to the generation at launch. */
  lock: ChatLock | null;
  /** The LoRA adapters resolved for this generation. */
  lora: PlannedAdapter[];
}

interface ActiveGeneration extends LiveGeneration {
  lock: ChatLock;
  done: Promise<void>;
}

export interface GenerationServiceOptions {
  chats: ChatRepository;
  engine: Engine;
  models: ModelService;
  locks: ChatLocks;
  planner: GenerationPlanner;
  runner: GenerationRunner;
  transaction: <T>(work: () => T) => T;
  /** Who owns this core's leases and partial replies. */
  ownerId: string;
  /** Resolves the LoRA adapters of a generation (none when absent). */
  adapters?: { resolve(chatId: number, options: GenerationOptions): Promise<PlannedAdapter[]> };
}

export class GenerationService {
  private readonly active = new Map<string, ActiveGeneration>();
  private readonly preparing = new Map<string, Ticket>();
  /** Every id this process has accepted: a generation id is never reused. */
  private readonly used = new Set<string>();
  private readonly chats: ChatRepository;
  private readonly planner: GenerationPlanner;

  constructor(private readonly options: GenerationServiceOptions) {
    this.chats = options.chats;
    this.planner = options.planner;
  }

  send(
    chatId: number,
    text: string,
    options: GenerationOptions = {},
    generationId?: string,
    asCharacterId?: number,
  ): Promise<SendResult> {
    return this.begin(chatId, generationId, options, (ticket) => {
      const chat = this.chats.getChat(chatId);
      const history = [
        ...this.planner.history(chatId, chat.activeLeafId),
        { id: 0, role: "user" as const, text },
      ];
      const speaker = this.planner.speaker(chatId, history, asCharacterId);
      // Budget first: a message that cannot fit is refused before anything is stored.
      const plan = this.planner.plan(
        chatId,
        "reply",
        history,
        "reply",
        options,
        { parentId: null, speaker },
        ticket.lora,
      );
      const user = this.options.transaction(() => {
        const user = this.chats.addMessage({ chatId, parentId: chat.activeLeafId, role: "user", text });
        plan.parentId = user.id;
        this.options.runner.savePartial(ticket.id, plan, this.options.ownerId);
        return user;
      });
      const started = this.launch(ticket, plan);
      return { ...started, userMessageId: user.id, userMessage: user };
    });
  }

  /** A new swipe of a character message (default: the last one); the new swipe becomes active. */
  regenerate(
    chatId: number,
    messageId?: number,
    options: GenerationOptions = {},
    generationId?: string,
    asCharacterId?: number,
  ): Promise<GenerationStarted> {
    return this.begin(
      chatId,
      generationId,
      options,
      (ticket, target) => {
        // A user message has nothing to swipe yet: answer it.
        const parentId = target.role === "user" ? target.id : target.parentId;
        const kind = target.role === "user" ? "reply" : "swipe";
        const history = this.planner.history(chatId, parentId);
        // A swipe is written by the same character as the message it is an alternative to.
        const as = asCharacterId ?? (target.role === "character" ? this.writerOf(chatId, target) : undefined);
        const speaker = this.planner.speaker(chatId, history, as);
        const plan = this.planner.plan(
          chatId,
          kind,
          history,
          "reply",
          options,
          { parentId, speaker },
          ticket.lora,
        );
        return this.launchStored(ticket, plan);
      },
      () => {
        const leafId = this.chats.getChat(chatId).activeLeafId;
        const target =
          messageId !== undefined
            ? this.chats.getMessage(messageId)
            : leafId === null
              ? null
              : this.chats.getMessage(leafId);
        if (!target || target.chatId !== chatId) {
          throw new MasqueError("NOT_FOUND", `message ${messageId ?? "(none)"} is not in chat ${chatId}`);
        }
        return target;
      },
    );
  }

  /** Extends the last character message of the active path. */
  continue(
    chatId: number,
    options: GenerationOptions = {},
    generationId?: string,
  ): Promise<GenerationStarted> {
    return this.begin(
      chatId,
      generationId,
      options,
      (ticket, leaf) => {
        const history = this.planner.history(chatId, leaf.id);
        const plan = this.planner.plan(
          chatId,
          "continue",
          history,
          "continue",
          options,
          {
            parentId: leaf.parentId,
            target: leaf,
            speaker: { speakerId: this.writerOf(chatId, leaf), reason: "continues its own message" },
          },
          ticket.lora,
        );
        return this.launchStored(ticket, plan);
      },
      () => {
        const leafId = this.chats.getChat(chatId).activeLeafId;
        const leaf = leafId === null ? null : this.chats.getMessage(leafId);
        if (leaf?.role !== "character") {
          throw new MasqueError("INVALID_INPUT", "continue needs a character message at the end of the chat");
        }
        return leaf;
      },
    );
  }

  /** Drafts the user's next message in the user's voice; it is never stored or sent. */
  impersonate(
    chatId: number,
    options: GenerationOptions = {},
    generationId?: string,
  ): Promise<GenerationStarted> {
    return this.begin(chatId, generationId, options, (ticket) => {
      const leafId = this.chats.getChat(chatId).activeLeafId;
      const history = this.planner.history(chatId, leafId);
      const plan = this.planner.plan(
        chatId,
        "impersonate",
        history,
        "impersonate",
        options,
        { parentId: leafId },
        ticket.lora,
      );
      return this.launch(ticket, plan);
    });
  }

  abort(generationId: string): { aborted: boolean } {
    const generation = this.active.get(generationId);
    if (generation) {
      generation.controller.abort();
      return { aborted: true };
    }
    const ticket = this.preparing.get(generationId);
    if (ticket) {
      ticket.aborted = true;
      return { aborted: true };
    }
    if (this.used.has(generationId)) return { aborted: false };
    throw new MasqueError("NOT_FOUND", `generation ${generationId} does not exist`);
  }

  /** The chat's running generation: its text and seq exactly as after its last emitted event. */
  pending(chatId: number): PendingGeneration | null {
    const g = [...this.active.values()].find((a) => a.chatId === chatId);
    return g
      ? {
          generationId: g.generationId,
          kind: g.kind,
          parentId: g.parentId,
          messageId: g.messageId,
          text: g.text,
          seq: g.seq,
        }
      : null;
  }

  /** Generations launched and not ended yet. */
  running(): number {
    return this.active.size;
  }

  /** Resolves when the generation has ended and its result is stored (for the CLI and tests). */
  async settled(generationId: string): Promise<void> {
    await this.active.get(generationId)?.done;
  }

  async abortAll(): Promise<void> {
    for (const ticket of this.preparing.values()) ticket.aborted = true;
    const running = [...this.active.values()];
    for (const g of running) g.controller.abort();
    await Promise.all(running.map((g) => g.done));
  }

  /** The prompt behind the chat's last reply (or the next one), for the prompt inspector. */
  async promptReport(chatId: number): Promise<PromptReport> {
    this.chats.getChat(chatId);
    await this.options.models.ensureLoaded();
    const chat = this.chats.getChat(chatId);
    const leaf = chat.activeLeafId === null ? null : this.chats.getMessage(chat.activeLeafId);
    const replied = leaf?.role === "character" && leaf.stats !== null && leaf.parentId !== null;
    const parentId = replied ? (leaf?.parentId ?? null) : chat.activeLeafId;
    const history = this.planner.history(chatId, parentId);
    const speaker =
      replied && leaf
        ? { speakerId: this.writerOf(chatId, leaf), reason: "wrote the last reply" }
        : this.planner.speaker(chatId, history);
    const lora = (await this.options.adapters?.resolve(chatId, {})) ?? [];
    const makePlan = () =>
      this.planner.plan(chatId, "reply", history, "reply", {}, { parentId, speaker }, lora);
    await this.prepareTokenCounts(makePlan);
    const plan = makePlan();
    const loaded = this.options.engine.loaded();
    const remote = this.options.engine.remote?.() ?? null;
    return {
      ...(remote
        ? {
            backend: {
              name: remote.name,
              kind: remote.kind,
              model: remote.model,
              tokenCounts: remote.tokenCounts,
              ignoredSamplers: remote.ignoredSamplers,
            },
          }
        : {}),
      characterId: plan.characterId,
      speakerReason: plan.speakerReason,
      userName: plan.prompt.userName,
      lore: loreReport(plan.prompt),
      templateId: plan.prompt.resolved.template.id,
      templateLabel: plan.prompt.resolved.label,
      contextSize: loaded?.contextSize ?? 0,
      maxReplyTokens: plan.maxTokens,
      budget: plan.prompt.budget,
      promptTokens: plan.prompt.promptTokens,
      blocks: plan.prompt.blocks.map((b) => ({
        kind: b.kind,
        messageId: b.messageId,
        tokens: b.tokens,
        text: b.pieces.map((p) => p.text).join(""),
        ...(b.entryIds ? { entryIds: b.entryIds } : {}),
      })),
      dropped: plan.prompt.dropped,
      lora: plan.lora.map(({ fileName, sha256, scale }) => ({ fileName, sha256, scale })),
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

  /** The character who wrote a character message (older messages: the chat's character). */
  private writerOf(chatId: number, message: Message): number {
    return message.characterId ?? this.chats.getChat(chatId).characterId;
  }

  /**
   * The common start of every generating call: reserve the id, take the chat's lock and
   * `validate` synchronously; wait for the model; then `proceed` (plan, store, launch) without
   * awaiting. Until launched, any failure frees the chat and the id.
   */
  private async begin<R, V = undefined>(
    chatId: number,
    requestedId: string | undefined,
    options: GenerationOptions,
    proceed: (ticket: Ticket, validated: V) => R,
    validate: () => V = () => undefined as V,
  ): Promise<R> {
    const ticket = this.reserve(chatId, requestedId);
    try {
      this.chats.getChat(chatId);
      ticket.lock = this.options.locks.acquire(chatId);
      const validated = validate();
      await this.options.models.ensureLoaded();
      ticket.lora = (await this.options.adapters?.resolve(chatId, options)) ?? [];
      this.assertAdaptersRunHere(ticket.lora);
      await this.prepareTokenCounts(() => proceed(ticket, validated));
      if (ticket.aborted) throw new MasqueError("ABORTED", "The generation was stopped before it started.");
      return proceed(ticket, validated);
    } catch (error) {
      if (!ticket.launched) {
        ticket.lock?.release();
        this.used.delete(ticket.id);
      }
      throw error;
    } finally {
      this.preparing.delete(ticket.id);
    }
  }

  /** LoRA adapters are applied by the local engine only: never dropped silently on a remote backend. */
  private assertAdaptersRunHere(lora: readonly PlannedAdapter[]): void {
    const remote = this.options.engine.remote?.() ?? null;
    if (remote && lora.length > 0) {
      throw new MasqueError(
        "INVALID_INPUT",
        `LoRA adapters (${lora.map((a) => a.fileName).join(", ")}) are applied by the local engine only; the remote backend "${remote.name}" is active. Remove them from this chat and the settings, or switch to the local engine.`,
      );
    }
  }

  /** Lets an engine that counts remotely fetch the counts the prompt assembly will ask for. */
  private async prepareTokenCounts(work: () => unknown): Promise<void> {
    const { engine } = this.options;
    if (!engine.prepareTokenCounts) return;
    await engine.prepareTokenCounts(() => this.planner.rehearse(work));
  }

  private reserve(chatId: number, requestedId: string | undefined): Ticket {
    const id = requestedId ?? randomUUID();
    if (this.used.has(id)) {
      throw new MasqueError(
        "INVALID_INPUT",
        `generationId: ${id} was already used; name each generation anew`,
      );
    }
    this.used.add(id);
    const ticket: Ticket = { id, chatId, aborted: false, launched: false, lock: null, lora: [] };
    this.preparing.set(id, ticket);
    return ticket;
  }

  /** Saves the partial reply row (the reply or swipe streams into it) and launches. */
  private launchStored(ticket: Ticket, plan: Plan): GenerationStarted {
    this.options.transaction(() => this.options.runner.savePartial(ticket.id, plan, this.options.ownerId));
    return this.launch(ticket, plan);
  }

  /** Registers the generation and starts it on a later macrotask, after the call has returned. */
  private launch(ticket: Ticket, plan: Plan): GenerationStarted {
    const lock = ticket.lock;
    if (!lock) throw new MasqueError("INTERNAL", `generation ${ticket.id} has no chat lock`);
    ticket.launched = true;
    const generation: ActiveGeneration = {
      generationId: ticket.id,
      chatId: plan.chatId,
      kind: plan.kind,
      parentId: plan.parentId,
      messageId: plan.target?.id ?? null,
      text: "",
      seq: 0,
      controller: new AbortController(),
      lock,
      done: Promise.resolve(),
    };
    this.active.set(ticket.id, generation);
    const end = () => {
      this.active.delete(ticket.id);
      lock.release();
    };
    generation.done = new Promise<void>((resolve) => {
      setImmediate(() => {
        void this.options.runner.run(generation, plan, end).then(resolve);
      });
    });
    return { generationId: ticket.id, chatId: plan.chatId, kind: plan.kind, parentId: plan.parentId };
  }
}

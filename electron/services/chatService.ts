/**
 * Chats: create, read, and send a message. Sending stores the user's turn, then generates the
 * character's reply in the background: the caller gets a generation id at once, the text streams
 * as batched delta events, and the reply is stored when it ends (a stopped reply keeps its text).
 */
import { randomInt, randomUUID } from "node:crypto";
import { basename } from "node:path";
import type { GenerationOptions, SendResult } from "../../shared/api/contract";
import type { ChatView, Message } from "../../shared/domain/chat";
import { MasqueError, toApiError } from "../../shared/errors";
import { type AssembledPrompt, assemblePrompt, type PromptMessage } from "../../shared/prompt/assemble";
import { PLAIN_ROLEPLAY_TEMPLATE, type PromptTemplate } from "../../shared/prompt/template";
import type { CharacterRepository } from "../storage/characterRepository";
import type { ChatRepository } from "../storage/chatRepository";
import type { SettingsStore } from "../storage/settingsStore";
import { DeltaBatcher } from "./deltaBatcher";
import type { Engine } from "./engine/engine";
import type { EventBus } from "./eventBus";
import type { ModelService } from "./modelService";

interface ActiveGeneration {
  id: string;
  chatId: number;
  parentId: number;
  controller: AbortController;
  text: string;
  done: Promise<void>;
}

const FINISHED_IDS_KEPT = 200;

export class ChatService {
  private readonly active = new Map<string, ActiveGeneration>();
  private readonly finished: string[] = [];
  private readonly template: PromptTemplate = PLAIN_ROLEPLAY_TEMPLATE;

  constructor(
    private readonly chats: ChatRepository,
    private readonly characters: CharacterRepository,
    private readonly settings: SettingsStore,
    private readonly engine: Engine,
    private readonly models: ModelService,
    private readonly events: EventBus,
  ) {}

  create(characterId: number): ChatView {
    const character = this.characters.get(characterId);
    const title = `${character.data.name} — ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
    const chatId = this.chats.createChat(characterId, title, character.data.first_mes);
    return this.view(chatId);
  }

  list(characterId?: number) {
    if (characterId !== undefined) this.characters.get(characterId);
    return this.chats.listChats(characterId);
  }

  view(chatId: number): ChatView {
    const chat = this.chats.getChat(chatId);
    const pending = [...this.active.values()].find((g) => g.chatId === chatId);
    return {
      chat,
      activeLeafId: chat.activeLeafId,
      messages: this.chats.activePath(chatId),
      pendingGeneration: pending
        ? { generationId: pending.id, parentId: pending.parentId, text: pending.text }
        : null,
    };
  }

  async send(chatId: number, text: string, options: GenerationOptions = {}): Promise<SendResult> {
    const chat = this.chats.getChat(chatId);
    if ([...this.active.values()].some((g) => g.chatId === chatId)) {
      throw new MasqueError("BUSY", `chat ${chatId} is already generating a reply; stop it or wait`);
    }
    await this.models.ensureLoaded();
    const character = this.characters.get(chat.characterId);
    const settings = this.settings.getAll();
    const path = this.chats.activePath(chatId);
    const maxTokens = options.maxTokens ?? settings.maxTokens;
    const history: PromptMessage[] = [
      ...path.map((m) => ({ id: m.id, role: m.role, text: m.text })),
      { id: 0, role: "user", text },
    ];
    // Budget first: a message that cannot fit is refused before anything is stored.
    const prompt = this.assemble(character.data, settings.userName, history, maxTokens);

    const userMessage = this.chats.addMessage({ chatId, parentId: chat.activeLeafId, role: "user", text });
    const seed = options.seed ?? randomInt(0, 2 ** 31);
    const generation = this.start(chatId, userMessage, prompt, {
      maxTokens,
      seed,
      temperature: options.temperature ?? settings.temperature,
    });
    return { generationId: generation.id, chatId, userMessageId: userMessage.id };
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

  /** Resolves when the generation has ended and its reply is stored (for the CLI and tests). */
  async settled(generationId: string): Promise<void> {
    await this.active.get(generationId)?.done;
  }

  async abortAll(): Promise<void> {
    const running = [...this.active.values()];
    for (const generation of running) generation.controller.abort();
    await Promise.all(running.map((g) => g.done));
  }

  private assemble(
    card: { name: string; description: string; personality: string; scenario: string },
    userName: string,
    history: PromptMessage[],
    maxTokens: number,
  ): AssembledPrompt {
    const loaded = this.engine.loaded();
    if (!loaded) throw new MasqueError("MODEL_NOT_SET", "No model is loaded.");
    // Blocks are counted one by one; the exact count of the joined prompt can differ by a few
    // tokens at block boundaries, so shrink the budget by the difference and assemble again.
    let slack = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      const prompt = assemblePrompt({
        character: card,
        userName,
        history,
        template: this.template,
        contextSize: loaded.contextSize - slack,
        maxReplyTokens: maxTokens,
        countTokens: (t) => this.engine.countTokens(t),
      });
      const exact = this.engine.countPromptTokens(prompt.blocks.flatMap((b) => b.pieces));
      const over = exact + maxTokens - loaded.contextSize;
      if (over <= 0) return { ...prompt, promptTokens: exact };
      slack += over;
    }
    throw new MasqueError("CONTEXT_OVERFLOW", "The prompt could not be fitted into the context.");
  }

  private start(
    chatId: number,
    userMessage: Message,
    prompt: AssembledPrompt,
    params: { maxTokens: number; seed: number; temperature: number },
  ): ActiveGeneration {
    const id = randomUUID();
    const controller = new AbortController();
    const generation: ActiveGeneration = {
      id,
      chatId,
      parentId: userMessage.id,
      controller,
      text: "",
      done: Promise.resolve(),
    };
    this.active.set(id, generation);
    this.events.emit("generation.started", { generationId: id, chatId, parentId: userMessage.id });
    const batcher = new DeltaBatcher((text) =>
      this.events.emit("generation.delta", { generationId: id, chatId, text }),
    );
    generation.done = this.run(generation, prompt, params, batcher).finally(() => {
      batcher.flush();
      this.active.delete(id);
      this.finished.push(id);
      if (this.finished.length > FINISHED_IDS_KEPT) this.finished.shift();
    });
    return generation;
  }

  private async run(
    generation: ActiveGeneration,
    prompt: AssembledPrompt,
    params: { maxTokens: number; seed: number; temperature: number },
    batcher: DeltaBatcher,
  ): Promise<void> {
    const { id, chatId } = generation;
    const settings = this.settings.getAll();
    const sampler = {
      temperature: params.temperature,
      topP: settings.topP,
      topK: settings.topK,
      minP: settings.minP,
      repeatPenalty: settings.repeatPenalty,
    };
    try {
      const result = await this.engine.generate({
        sessionKey: String(chatId),
        prompt: prompt.blocks.flatMap((b) => b.pieces),
        stopStrings: prompt.stopStrings,
        maxTokens: params.maxTokens,
        sampler,
        seed: params.seed,
        signal: generation.controller.signal,
        onText: (text) => {
          generation.text += text;
          batcher.push(text);
        },
      });
      batcher.flush();
      const loaded = this.engine.loaded();
      const message = this.chats.addMessage({
        chatId,
        parentId: generation.parentId,
        role: "character",
        text: result.text.trim(),
        status: result.stopReason === "aborted" ? "stopped" : "complete",
        stopReason: result.stopReason,
        stats: result.stats,
        provenance: {
          modelFile: loaded ? basename(loaded.path) : "",
          modelSize: loaded?.sizeBytes ?? 0,
          template: this.template.id,
          threads: loaded?.threads ?? 0,
          contextSize: loaded?.contextSize ?? 0,
          sampler: { ...sampler, maxTokens: params.maxTokens },
          seed: params.seed,
          droppedMessages: prompt.droppedMessageIds.length,
        },
      });
      this.events.emit("generation.done", { generationId: id, chatId, message });
    } catch (error) {
      batcher.flush();
      // Whatever was generated before the failure is kept as a stopped reply, never thrown away.
      if (generation.text.trim()) {
        this.chats.addMessage({
          chatId,
          parentId: generation.parentId,
          role: "character",
          text: generation.text.trim(),
          status: "stopped",
          stopReason: "error",
        });
      }
      this.events.emit("generation.error", { generationId: id, chatId, error: toApiError(error) });
    }
  }
}

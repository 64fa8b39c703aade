/**
 * The engine on node-llama-cpp: one `Llama` per process, one loaded model, and one context (with
 * its own KV-cache sequence) per open chat, least recently used evicted first.
 */
import { totalmem } from "node:os";
import {
  DisposedError,
  GgufInsights,
  getLlama,
  InsufficientMemoryError,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
  LlamaText,
  SpecialTokensText,
  type Token,
} from "node-llama-cpp";
import type { ModelInfo, ModelStatus } from "../../../shared/domain/model";
import { MasqueError } from "../../../shared/errors";
import type { PromptPiece } from "../../../shared/prompt/assemble";
import { calibrateThreads } from "./calibration";
import type {
  Engine,
  GenerateRequest,
  GenerateResult,
  LoadedModel,
  LoadOptions,
  ThreadCalibration,
} from "./engine";
import { fastContentHash } from "./fastHash";
import { runGeneration } from "./generation";
import { inspectModelFile } from "./modelFile";
import { type ModelTemplateMatch, matchModelTemplate } from "./modelTemplate";
import { resolveThreads } from "./threads";

export interface LlamaEngineOptions {
  /** "auto" uses a GPU when one is usable; false forces the CPU (env MASQUE_GPU=off). */
  gpu?: "auto" | false;
  /** How many chats keep a live KV cache at once. */
  maxSessions?: number;
  /** Receives llama.cpp error lines. */
  log?: (line: string) => void;
}

interface Session {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  lastUsed: number;
}

interface Loaded extends LoadedModel {
  model: LlamaModel;
  info: ModelInfo;
  template?: ModelTemplateMatch;
}

const RECENT_LOG_LINES = 40;

export class LlamaEngine implements Engine {
  private llama: Promise<Llama> | null = null;
  private current: Loaded | null = null;
  private state: ModelStatus = emptyStatus();
  private readonly sessions = new Map<string, Session>();
  private readonly pendingSessions = new Map<string, Promise<Session>>();
  private readonly listeners = new Set<(status: ModelStatus) => void>();
  private readonly recentLog: string[] = [];
  private activeGenerations = 0;
  private loading: Promise<ModelStatus> | null = null;

  constructor(private readonly options: LlamaEngineOptions = {}) {}

  status(): ModelStatus {
    return this.state;
  }

  loaded(): LoadedModel | null {
    if (!this.current) return null;
    const { path, sizeBytes, contentHash, threads, contextSize } = this.current;
    return { path, sizeBytes, contentHash, threads, contextSize };
  }

  onStatus(listener: (status: ModelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(path: string, options: LoadOptions): Promise<ModelStatus> {
    if (this.activeGenerations > 0) {
      throw new MasqueError("BUSY", "A reply is being generated; stop it before loading another model.");
    }
    if (this.loading) await this.loading.catch(() => undefined);
    this.loading = this.loadNow(path, options);
    try {
      return await this.loading;
    } finally {
      this.loading = null;
    }
  }

  countTokens(text: string): number {
    return this.requireModel().model.tokenize(text).length;
  }

  countPromptTokens(prompt: PromptPiece[]): number {
    return this.tokenizePrompt(prompt).length;
  }

  tokenizePrompt(prompt: PromptPiece[]): number[] {
    return this.fullTokens(this.requireModel().model, prompt);
  }

  modelTemplate(): ModelTemplateMatch | null {
    const loaded = this.current;
    const jinja = loaded?.model.fileInfo.metadata?.tokenizer?.chat_template;
    if (!loaded || typeof jinja !== "string" || !jinja.trim()) return null;
    loaded.template ??= matchModelTemplate(loaded.model, jinja);
    return loaded.template;
  }

  async setThreads(threads: number): Promise<void> {
    const loaded = this.requireModel();
    if (loaded.threads === threads) return;
    const llama = await this.getLlama();
    if (threads > llama.maxThreads) llama.maxThreads = threads;
    for (const key of [...this.sessions.keys()]) await this.releaseSession(key);
    loaded.threads = threads;
    this.setStatus(this.loadedStatus(loaded));
  }

  async calibrateThreads(): Promise<ThreadCalibration> {
    const loaded = this.requireModel();
    const llama = await this.getLlama();
    return calibrateThreads(loaded.model, llama, (threads) => {
      if (threads > llama.maxThreads) llama.maxThreads = threads;
    });
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const loaded = this.requireModel();
    this.activeGenerations++;
    try {
      return await this.generateWith(loaded, request);
    } catch (error) {
      if (error instanceof DisposedError) {
        throw new MasqueError("ABORTED", "The model was unloaded while the reply was being generated.");
      }
      throw error;
    } finally {
      this.activeGenerations--;
    }
  }

  async releaseSession(sessionKey: string): Promise<void> {
    const session = this.sessions.get(sessionKey);
    this.sessions.delete(sessionKey);
    await session?.context.dispose();
  }

  async dispose(): Promise<void> {
    await this.unload();
    const llama = await this.llama?.catch(() => null);
    await llama?.dispose();
    this.llama = null;
  }

  private async loadNow(path: string, options: LoadOptions): Promise<ModelStatus> {
    this.setStatus({ ...emptyStatus(), state: "loading", path });
    try {
      const { info, gguf } = await inspectModelFile(path);
      const llama = await this.getLlama();
      const threads = resolveThreads(options.threads, llama.cpuMathCores);
      if (threads > llama.maxThreads) llama.maxThreads = threads;
      await this.checkMemory(gguf, llama, path);
      const previous = this.current;
      await this.unload();
      this.recentLog.length = 0;
      const gpuLayers = options.gpuLayers === undefined ? {} : { gpuLayers: options.gpuLayers };
      const model = await llama.loadModel({ modelPath: path, ...gpuLayers }).catch(async (error: unknown) => {
        const failure = await this.loadError(path, error);
        if (previous) await this.restore(llama, previous);
        throw failure;
      });
      const loaded: Loaded = {
        model,
        info,
        path,
        sizeBytes: info.sizeBytes,
        contentHash: await fastContentHash(path, info.sizeBytes),
        threads,
        contextSize: options.contextSize,
      };
      this.current = loaded;
      this.setStatus(this.loadedStatus(loaded));
      return this.state;
    } catch (error) {
      const failure =
        error instanceof MasqueError
          ? error
          : new MasqueError("MODEL_INVALID", `${path}: ${(error as Error).message}`);
      const problem = { code: failure.code, message: failure.message };
      // A failed load leaves the previous model (if it is still loaded) in service.
      this.setStatus(
        this.current
          ? { ...this.loadedStatus(this.current), error: problem }
          : { ...emptyStatus(), state: "error", path, error: problem },
      );
      throw failure;
    }
  }

  private async checkMemory(
    gguf: Awaited<ReturnType<typeof inspectModelFile>>["gguf"],
    llama: Llama,
    path: string,
  ) {
    const insights = await GgufInsights.from(gguf, llama);
    const needed = (await insights.estimateModelResourceRequirementsV2({ gpuLayers: 0 })).cpuRam;
    const available = totalmem();
    if (llama.gpu === false && needed > available * 0.9) {
      throw new MasqueError(
        "MODEL_TOO_LARGE",
        `${path} needs about ${formatBytes(needed)} of memory; this machine has ${formatBytes(available)}.`,
        { neededBytes: needed, availableBytes: available },
      );
    }
  }

  /** Puts the previous model back after a failed load, so the app keeps working. */
  private async restore(llama: Llama, previous: Loaded): Promise<void> {
    try {
      const model = await llama.loadModel({ modelPath: previous.path });
      this.current = { ...previous, model };
    } catch {
      this.current = null;
    }
  }

  private async loadError(path: string, error: unknown): Promise<MasqueError> {
    // llama.cpp's log lines explaining the failure arrive just after the rejection.
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The first error line is the cause ("error loading model: tensor ... not within the file
    // bounds"); the lines after it only repeat that loading failed.
    const detail = this.recentLog
      .find((line) => /error|corrupt|invalid|unknown/i.test(line))
      ?.replace(/^llama_model_load:\s*(error loading model:\s*)?/, "");
    const message = (error as Error).message ?? String(error);
    return new MasqueError("MODEL_INVALID", `${path} could not be loaded: ${detail ?? message}`, {
      path,
      log: this.recentLog.slice(-10),
    });
  }

  private async unload(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.context.dispose()));
    const current = this.current;
    this.current = null;
    await current?.model.dispose();
  }

  /** The process's one Llama, for the model library's memory estimates (they must see the same GPU). */
  sharedLlama(): Promise<Llama> {
    return this.getLlama();
  }

  private getLlama(): Promise<Llama> {
    this.llama ??= getLlama({
      gpu: this.options.gpu ?? "auto",
      build: "never",
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => this.onLog(level, message),
    }).catch((error: unknown) => {
      this.llama = null;
      throw new MasqueError("INTERNAL", `llama.cpp could not start: ${(error as Error).message}`);
    });
    return this.llama;
  }

  private onLog(level: LlamaLogLevel, message: string): void {
    const line = message.trim();
    if (!line) return;
    this.recentLog.push(line);
    if (this.recentLog.length > RECENT_LOG_LINES) this.recentLog.shift();
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
      this.options.log?.(`llama.cpp: ${line}`);
  }

  private loadedStatus(loaded: Loaded): ModelStatus {
    const { path, info, threads, contextSize } = loaded;
    return { state: "loaded", path, info, error: null, threads, contextSize };
  }

  private setStatus(status: ModelStatus): void {
    this.state = status;
    for (const listener of this.listeners) listener(status);
  }

  private requireModel(): Loaded {
    if (!this.current) {
      throw new MasqueError("MODEL_NOT_SET", "No model is loaded. Choose a GGUF model file in the settings.");
    }
    return this.current;
  }

  /**
   * Tokenizes the prompt with control tokens only where the template put them. Neighbouring text
   * pieces are joined first: tokenized apart, a piece starting with a space gains an extra "▁" on
   * SentencePiece vocabularies, and the prompt would no longer match the tokens in the KV cache.
   */
  private tokenizePromptWith(model: LlamaModel, prompt: PromptPiece[]): Token[] {
    const values: (string | SpecialTokensText)[] = [];
    for (const piece of prompt) {
      const last = values.at(-1);
      if (piece.special) values.push(new SpecialTokensText(piece.text));
      else if (typeof last === "string") values[values.length - 1] = last + piece.text;
      else values.push(piece.text);
    }
    return LlamaText(values).tokenize(model.tokenizer);
  }

  private async session(loaded: Loaded, key: string): Promise<Session> {
    const existing = this.sessions.get(key);
    if (existing) {
      existing.lastUsed = Date.now();
      return existing;
    }
    const pending = this.pendingSessions.get(key);
    if (pending) return pending;
    const created = this.createSession(loaded, key).finally(() => this.pendingSessions.delete(key));
    this.pendingSessions.set(key, created);
    return created;
  }

  private async createSession(loaded: Loaded, key: string): Promise<Session> {
    const limit = Math.max(1, this.options.maxSessions ?? 4);
    while (this.sessions.size >= limit) {
      const [oldestKey] = [...this.sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0] ?? [];
      if (oldestKey === undefined) break;
      await this.releaseSession(oldestKey);
    }
    const llama = await this.getLlama();
    let context: LlamaContext;
    try {
      context = await loaded.model.createContext({
        contextSize: loaded.contextSize,
        threads: loaded.threads,
        // On CPU, flash attention measured 2.2x slower (node-llama-cpp.md section 7).
        flashAttention: llama.gpu !== false,
      });
    } catch (error) {
      if (error instanceof InsufficientMemoryError) {
        throw new MasqueError(
          "MODEL_TOO_LARGE",
          `A ${loaded.contextSize}-token context does not fit in memory with this model; lower the context size.`,
        );
      }
      throw error;
    }
    const sequence = context.getSequence();
    const session = {
      context,
      sequence,
      lastUsed: Date.now(),
    };
    this.sessions.set(key, session);
    return session;
  }

  private async generateWith(loaded: Loaded, request: GenerateRequest): Promise<GenerateResult> {
    const session = await this.session(loaded, request.sessionKey);
    const tokens = this.fullTokens(loaded.model, request.prompt);
    if (tokens.length + request.maxTokens > loaded.contextSize) {
      throw new MasqueError(
        "CONTEXT_OVERFLOW",
        `The prompt (${tokens.length} tokens) plus the reply (${request.maxTokens}) exceed the ${loaded.contextSize}-token context.`,
        { promptTokens: tokens.length, maxTokens: request.maxTokens, contextSize: loaded.contextSize },
      );
    }
    return runGeneration({
      sequence: session.sequence,
      model: loaded.model,
      tokens,
      maxTokens: request.maxTokens,
      sampler: request.sampler,
      seed: request.seed,
      stopStrings: request.stopStrings,
      stopTokenIds: this.markerTokens(loaded.model, request.stopMarkers),
      signal: request.signal,
      onText: request.onText,
    });
  }

  /** Markers that are single control tokens in this model's vocabulary; others are matched as text. */
  private markerTokens(model: LlamaModel, markers: readonly string[]): Set<Token> {
    const ids = new Set<Token>();
    for (const marker of markers) {
      const tokens = model.tokenize(marker, true);
      if (tokens.length === 1 && tokens[0] !== undefined && model.isSpecialToken(tokens[0]))
        ids.add(tokens[0]);
    }
    return ids;
  }

  private fullTokens(model: LlamaModel, prompt: PromptPiece[]): Token[] {
    const tokens = this.tokenizePromptWith(model, prompt);
    const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
    return [...bos, ...tokens];
  }
}

function emptyStatus(): ModelStatus {
  return { state: "none", path: null, info: null, error: null, threads: null, contextSize: null };
}

function formatBytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

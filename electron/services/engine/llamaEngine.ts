/**
 * The engine on node-llama-cpp: one `Llama` per process, one loaded model, and one context (with
 * its own KV-cache sequence) per open chat, least recently used evicted first.
 */
import { totalmem } from "node:os";
import { basename } from "node:path";
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
import { formatBytes } from "../../../shared/format/bytes";
import type { PromptPiece } from "../../../shared/prompt/assemble";
import type { KvStateStore, StateFingerprint } from "../../storage/kvStateStore";
import { openLlamaScoring } from "../eval/llamaScoring";
import { calibrateThreads } from "./calibration";
import type {
  Engine,
  GenerateRequest,
  GenerateResult,
  LoadedModel,
  LoadOptions,
  LoraAttachment,
  ScoringOptions,
  ScoringSession,
  ThreadCalibration,
} from "./engine";
import { fastContentHash } from "./fastHash";
import type { FileDigests } from "./fileDigest";
import { runGeneration } from "./generation";
import { loraContextOptions } from "./lora";
import { inspectModelFile } from "./modelFile";
import { type ModelTemplateMatch, matchModelTemplate } from "./modelTemplate";
import { restoreSequence, saveSequence } from "./sessionState";
import { resolveThreads } from "./threads";

export interface LlamaEngineOptions {
  /** "auto" uses a GPU when one is usable; false forces the CPU (env MASQUE_GPU=off). */
  gpu?: "auto" | false;
  /** How many chats keep a live KV cache at once. */
  maxSessions?: number;
  /** Receives llama.cpp error lines. */
  log?: (line: string) => void;
  /** Where chats' KV states are saved after each generation and restored from after a restart. */
  states?: KvStateStore;
  /** Whole-file SHA-256 of models and adapters (required with `states`). */
  digests?: FileDigests;
}

interface Session {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  lastUsed: number;
  /** The adapters the context was made with (paths and scales), as a key. */
  loraKey: string;
  /** Whether the saved state was looked for already (only a fresh sequence can take one). */
  restoreTried: boolean;
  /** The last save of this session's state (the next generation waits for it). */
  saving: Promise<void>;
}

interface Loaded extends LoadedModel {
  model: LlamaModel;
  info: ModelInfo;
  template?: ModelTemplateMatch;
}

const RECENT_LOG_LINES = 40;
const LLAMA_DISPOSE_WAIT_MS = 2000;

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

  async openScoring(options: ScoringOptions): Promise<ScoringSession> {
    const loaded = this.requireModel();
    this.activeGenerations++;
    let open = true;
    const release = () => {
      if (open) this.activeGenerations--;
      open = false;
    };
    try {
      const scoring = await openLlamaScoring(loaded.model, {
        threads: loaded.threads,
        contextSize: Math.min(options.contextSize, loaded.model.trainContextSize),
        ...(options.lora && options.lora.length > 0 ? { lora: options.lora } : {}),
      });
      return {
        contextSize: scoring.contextSize,
        textTokens: (text) => scoring.textTokens(text),
        score: (pass, signal) =>
          scoring.score(pass, signal).catch((error: unknown) => {
            if (error instanceof DisposedError || scoring.context.disposed) {
              throw new MasqueError("ABORTED", "The model was unloaded while it was being evaluated.");
            }
            throw error;
          }),
        dispose: async () => {
          release();
          await scoring.dispose();
        },
      };
    } catch (error) {
      release();
      if (error instanceof DisposedError) {
        throw new MasqueError("ABORTED", "The model was unloaded while it was being evaluated.");
      }
      throw error;
    }
  }

  async releaseSession(sessionKey: string): Promise<void> {
    const session = this.sessions.get(sessionKey);
    this.sessions.delete(sessionKey);
    await session?.saving;
    await session?.context.dispose();
  }

  async dispose(): Promise<void> {
    await this.unload();
    const llama = await this.llama?.catch(() => null);
    this.llama = null;
    if (!llama) return;
    // node-llama-cpp 3.21.1's Llama.dispose() also waits for the memory-simulation model handles
    // its loads create, which only the garbage collector releases: after several loads in one
    // process it waited forever in 3 of 4 runs (measured in test/integration/engine.test.ts).
    // Everything of ours is disposed by now; give it a moment, then let the process go on.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      llama.dispose(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LLAMA_DISPOSE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
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
        // A context beyond what the model was trained on only produces garbage (and costs memory).
        contextSize:
          info.trainContextSize > 0
            ? Math.min(options.contextSize, info.trainContextSize)
            : options.contextSize,
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
    // States are saved after every generation: a clean shutdown only waits for the last saves.
    await Promise.all(sessions.map((s) => s.saving));
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

  private async session(loaded: Loaded, key: string, lora: LoraAttachment[]): Promise<Session> {
    const loraKey = JSON.stringify(lora.map((a) => [a.path, a.scale]));
    const existing = this.sessions.get(key);
    if (existing && existing.loraKey === loraKey) {
      existing.lastUsed = Date.now();
      return existing;
    }
    // Other adapters need another context.
    if (existing) await this.releaseSession(key);
    const pending = this.pendingSessions.get(key);
    if (pending) return pending;
    const created = this.createSession(loaded, key, lora, loraKey).finally(() =>
      this.pendingSessions.delete(key),
    );
    this.pendingSessions.set(key, created);
    return created;
  }

  private async createSession(
    loaded: Loaded,
    key: string,
    lora: LoraAttachment[],
    loraKey: string,
  ): Promise<Session> {
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
        ...loraContextOptions(lora),
      });
    } catch (error) {
      if (lora.length > 0 && !(error instanceof InsufficientMemoryError)) {
        throw new MasqueError(
          "MODEL_INVALID",
          `The LoRA adapters (${lora.map((a) => basename(a.path)).join(", ")}) could not be applied to ${basename(loaded.path)}: ${(error as Error).message}`,
        );
      }
      if (error instanceof InsufficientMemoryError) {
        throw new MasqueError(
          "MODEL_TOO_LARGE",
          `A ${loaded.contextSize}-token context does not fit in memory with this model; lower the context size.`,
        );
      }
      throw error;
    }
    const sequence = context.getSequence();
    const session: Session = {
      context,
      sequence,
      lastUsed: Date.now(),
      loraKey,
      restoreTried: false,
      saving: Promise.resolve(),
    };
    this.sessions.set(key, session);
    return session;
  }

  private async generateWith(loaded: Loaded, request: GenerateRequest): Promise<GenerateResult> {
    const lora = request.lora ?? [];
    const session = await this.session(loaded, request.sessionKey, lora);
    await session.saving;
    const tokens = this.fullTokens(loaded.model, request.prompt);
    if (tokens.length + request.maxTokens > loaded.contextSize) {
      throw new MasqueError(
        "CONTEXT_OVERFLOW",
        `The prompt (${tokens.length} tokens) plus the reply (${request.maxTokens}) exceed the ${loaded.contextSize}-token context.`,
        { promptTokens: tokens.length, maxTokens: request.maxTokens, contextSize: loaded.contextSize },
      );
    }
    const states = this.options.states;
    const prepared = performance.now();
    const fingerprint = states
      ? await this.fingerprint(loaded, request, lora).catch((error: unknown) => {
          // Without a fingerprint nothing is loaded or saved; the reply itself goes on.
          this.options.log?.(`KV states are off for this reply: ${(error as Error).message}`);
          return null;
        })
      : null;
    let restorable = 0;
    if (states && fingerprint && !session.restoreTried) {
      session.restoreTried = true;
      if (session.sequence.contextTokens.length === 0) {
        restorable = await restoreSequence(
          states,
          session.sequence,
          request.sessionKey,
          fingerprint,
          tokens,
          (line) => this.options.log?.(line),
        );
      }
    }
    const restoreMs = performance.now() - prepared;
    const result = await runGeneration({
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
    const reused = result.stats.promptTokens - result.stats.evaluatedTokens;
    result.stats.restoredTokens = Math.min(restorable, reused);
    // The time to the first token includes the model's digest and finding, checking and loading the saved state.
    result.stats.ttftMs = Math.round((result.stats.ttftMs + restoreMs) * 10) / 10;
    if (states && fingerprint) {
      session.saving = saveSequence(states, session.sequence, request.sessionKey, fingerprint).catch(
        (error: unknown) =>
          this.options.log?.(
            `Saving the KV state of chat ${request.sessionKey} failed: ${(error as Error).message}`,
          ),
      );
    }
    return result;
  }

  /** What a saved state must have been made with to be loaded into this session. */
  private async fingerprint(
    loaded: Loaded,
    request: GenerateRequest,
    lora: LoraAttachment[],
  ): Promise<StateFingerprint> {
    const digests = this.options.digests;
    if (!digests) throw new MasqueError("INTERNAL", "KV states need file digests");
    const llama = await this.getLlama();
    return {
      modelSha256: await digests.sha256(loaded.path),
      modelFile: basename(loaded.path),
      lora: await Promise.all(
        lora.map(async (a) => ({
          fileName: basename(a.path),
          sha256: await digests.sha256(a.path),
          scale: a.scale,
        })),
      ),
      contextSize: loaded.contextSize,
      template: request.template ?? "",
      layout: [
        `gpu=${llama.gpu}`,
        `flash=${llama.gpu !== false}`,
        `llama.cpp=${llama.llamaCppRelease.release}`,
        llama.buildType,
      ].join(";"),
    };
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

/**
 * A deterministic stand-in for the local engine, to test the services' logic in isolation:
 * one token per UTF-16 unit (one per special piece, plus BOS), scripted replies streamed piece by
 * piece with an optional delay, a pause switch, a failure at piece N, load and calibration delays,
 * abort through the signal, and status events like the real engine's.
 */
import { basename } from "node:path";
import type {
  Engine,
  GenerateRequest,
  GenerateResult,
  LoadedModel,
  LoadOptions,
  ScoringOptions,
  ScoringSession,
  ThreadCalibration,
} from "../../electron/services/engine/engine";
import type { ModelTemplateMatch } from "../../electron/services/engine/modelTemplate";
import type { StopReason } from "../../shared/domain/chat";
import type { ModelStatus } from "../../shared/domain/model";
import { MasqueError } from "../../shared/errors";
import type { PromptPiece } from "../../shared/prompt/assemble";

export interface FakeReply {
  pieces: string[];
  /** Throw before emitting this piece (0-based): the pieces before it have streamed. */
  failAt?: number;
  error?: Error;
}

export type FakeScript = string[] | FakeReply;

export interface FakeEngineOptions {
  /** Replies in call order (the last one repeats), or a function of the request and call number. */
  replies?: FakeScript[] | ((request: GenerateRequest, call: number) => FakeScript);
  pieceDelayMs?: number;
  loadDelayMs?: number;
  calibrationDelayMs?: number;
  trainContextSize?: number;
  /** Paths that fail to load with MODEL_INVALID. */
  invalidPaths?: string[];
  /** −ln p the fake scorer gives a token (default: a fixed function of the token and the model path). */
  tokenNll?: (token: number, path: string) => number;
  /** A wait before each scoring pass. */
  scoreDelayMs?: number;
}

const BOS = 1;
const SPECIAL = 2;

interface FakeModel extends LoadedModel {
  trainContextSize: number;
}

export class FakeEngine implements Engine {
  readonly requests: GenerateRequest[] = [];
  readonly loads: { path: string; options: LoadOptions }[] = [];
  calibrations = 0;
  private current: FakeModel | null = null;
  private state: ModelStatus = emptyStatus();
  private readonly listeners = new Set<(status: ModelStatus) => void>();
  private readonly cache = new Map<string, number[]>();
  private active = 0;
  /** Pieces still allowed through while paused (null: not paused). */
  private allowance: number | null = null;
  private readonly gateWaiters: (() => void)[] = [];
  private readonly pieceWaiters: { count: number; resolve: () => void }[] = [];
  /** Pieces emitted over all generations. */
  emittedPieces = 0;

  constructor(readonly options: FakeEngineOptions = {}) {}

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
    if (this.active > 0) throw new MasqueError("BUSY", "fake: a reply is being generated");
    this.loads.push({ path, options });
    this.setStatus({ ...emptyStatus(), state: "loading", path });
    await sleep(this.options.loadDelayMs ?? 0);
    if (this.options.invalidPaths?.includes(path)) {
      const error = new MasqueError("MODEL_INVALID", `${path}: not a GGUF model (fake)`);
      const problem = { code: error.code, message: error.message };
      this.setStatus(
        this.current
          ? { ...this.loadedStatus(this.current), error: problem }
          : { ...emptyStatus(), state: "error", path, error: problem },
      );
      throw error;
    }
    const trainContextSize = this.options.trainContextSize ?? 2048;
    this.cache.clear();
    this.current = {
      path,
      sizeBytes: 1000,
      contentHash: "fake:0",
      threads: options.threads > 0 ? options.threads : 1,
      contextSize: Math.min(options.contextSize, trainContextSize),
      trainContextSize,
    };
    this.setStatus(this.loadedStatus(this.current));
    return this.state;
  }

  countTokens(text: string): number {
    this.requireModel();
    return text.length;
  }

  countPromptTokens(prompt: PromptPiece[]): number {
    return this.tokenizePrompt(prompt).length;
  }

  tokenizePrompt(prompt: PromptPiece[]): number[] {
    this.requireModel();
    const tokens = [BOS];
    for (const piece of prompt) {
      if (piece.special) tokens.push(SPECIAL);
      else for (let i = 0; i < piece.text.length; i++) tokens.push(piece.text.charCodeAt(i) + 10);
    }
    return tokens;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const model = this.requireModel();
    const call = this.requests.length;
    this.requests.push(request);
    const tokens = this.tokenizePrompt(request.prompt);
    if (tokens.length + request.maxTokens > model.contextSize) {
      throw new MasqueError("CONTEXT_OVERFLOW", `fake: ${tokens.length} prompt tokens do not fit`);
    }
    const reply = this.script(request, call);
    this.active++;
    try {
      const reused = commonPrefix(this.cache.get(request.sessionKey) ?? [], tokens.slice(0, -1));
      let text = "";
      let generated = 0;
      let stopReason: StopReason = "eos";
      for (const [index, piece] of reply.pieces.entries()) {
        await this.beforePiece(request.signal);
        if (request.signal.aborted) {
          stopReason = "aborted";
          break;
        }
        if (reply.failAt === index) {
          throw reply.error ?? new MasqueError("INTERNAL", `fake engine failed at piece ${index}`);
        }
        text += piece;
        generated++;
        request.onText(piece);
        this.emittedPieces++;
        this.notifyPieces();
        if (generated >= request.maxTokens) {
          stopReason = "max-tokens";
          break;
        }
      }
      if (stopReason === "eos" && reply.failAt !== undefined && reply.failAt >= reply.pieces.length) {
        throw reply.error ?? new MasqueError("INTERNAL", "fake engine failed at the end");
      }
      this.cache.set(request.sessionKey, tokens);
      return {
        text,
        stopReason,
        stats: {
          promptTokens: tokens.length,
          evaluatedTokens: tokens.length - reused,
          generatedTokens: generated,
          ttftMs: 1,
          tokensPerSecond: 100,
        },
      };
    } finally {
      this.active--;
    }
  }

  async calibrateThreads(): Promise<ThreadCalibration> {
    this.requireModel();
    await sleep(this.options.calibrationDelayMs ?? 0);
    this.calibrations++;
    return {
      results: [
        { threads: 1, tokensPerSecond: 120 },
        { threads: 2, tokensPerSecond: 80 },
      ],
      best: 1,
    };
  }

  async setThreads(threads: number): Promise<void> {
    const model = this.requireModel();
    if (model.threads === threads) return;
    model.threads = threads;
    this.cache.clear();
    this.setStatus(this.loadedStatus(model));
  }

  modelTemplate(): ModelTemplateMatch | null {
    return null;
  }

  async releaseSession(sessionKey: string): Promise<void> {
    this.cache.delete(sessionKey);
  }

  /** Scores each token with `tokenNll` (default: a fixed function of the token and the model path). */
  async openScoring(options: ScoringOptions): Promise<ScoringSession> {
    const model = this.requireModel();
    const path = model.path;
    const nllOf = this.options.tokenNll ?? ((token: number) => 1 + (token % 5) / 4 + (path.length % 3) / 10);
    this.active++;
    let open = true;
    return {
      contextSize: Math.min(options.contextSize, model.trainContextSize),
      textTokens: (text) => ({
        tokens: [BOS, ...Array.from(text, (c) => (c.codePointAt(0) ?? 0) + 10)],
        pinned: true,
        scoredBytes: new TextEncoder().encode(text).length,
      }),
      score: async (pass, signal) => {
        await abortableSleep(this.options.scoreDelayMs ?? 0, signal);
        if (signal?.aborted) throw new MasqueError("ABORTED", "fake: scoring aborted");
        if (this.current?.path !== path) throw new MasqueError("ABORTED", "fake: the model was unloaded");
        const nll: number[] = [];
        for (const range of pass.scored)
          for (let i = range.start; i < range.end; i++) nll.push(nllOf(pass.tokens[i] as number, path));
        return {
          nll: Float64Array.from(nll),
          evaluatedTokens: pass.tokens.length - 1,
          reusedTokens: 0,
          flooredTokens: 0,
        };
      },
      dispose: async () => {
        if (open) this.active--;
        open = false;
      },
    };
  }

  async dispose(): Promise<void> {
    this.resume();
    this.current = null;
    this.state = emptyStatus();
  }

  /** Holds every generation before its next piece until `resume()` (or `step()`). */
  pause(): void {
    this.allowance = 0;
  }

  /** While paused: lets `count` more pieces through (over all generations). */
  step(count: number): void {
    this.allowance = (this.allowance ?? 0) + count;
    this.wakeGate();
  }

  resume(): void {
    this.allowance = null;
    this.wakeGate();
  }

  /** Resolves once `count` pieces have been emitted in total. */
  piecesEmitted(count: number): Promise<void> {
    if (this.emittedPieces >= count) return Promise.resolve();
    return new Promise((resolve) => this.pieceWaiters.push({ count, resolve }));
  }

  private notifyPieces(): void {
    for (let i = this.pieceWaiters.length - 1; i >= 0; i--) {
      const waiter = this.pieceWaiters[i];
      if (waiter && this.emittedPieces >= waiter.count) {
        this.pieceWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private async beforePiece(signal: AbortSignal): Promise<void> {
    await abortable(sleep(this.options.pieceDelayMs ?? 0), signal);
    while (this.allowance === 0 && !signal.aborted) {
      await abortable(new Promise<void>((resolve) => this.gateWaiters.push(resolve)), signal);
    }
    if (this.allowance !== null && !signal.aborted) this.allowance--;
  }

  private wakeGate(): void {
    for (const wake of this.gateWaiters.splice(0)) wake();
  }

  private script(request: GenerateRequest, call: number): FakeReply {
    const { replies } = this.options;
    const script =
      typeof replies === "function"
        ? replies(request, call)
        : (replies?.[Math.min(call, replies.length - 1)] ?? ["Hello", " there", "."]);
    return Array.isArray(script) ? { pieces: script } : script;
  }

  private requireModel(): FakeModel {
    if (!this.current) throw new MasqueError("MODEL_NOT_SET", "fake: no model is loaded");
    return this.current;
  }

  private loadedStatus(model: FakeModel): ModelStatus {
    return {
      state: "loaded",
      path: model.path,
      info: {
        path: model.path,
        fileName: basename(model.path),
        sizeBytes: model.sizeBytes,
        architecture: "fake",
        trainContextSize: model.trainContextSize,
        hasChatTemplate: false,
      },
      error: null,
      threads: model.threads,
      contextSize: model.contextSize,
    };
  }

  private setStatus(status: ModelStatus): void {
    this.state = status;
    for (const listener of this.listeners) listener(status);
  }
}

function emptyStatus(): ModelStatus {
  return { state: "none", path: null, info: null, error: null, threads: null, contextSize: null };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

/** Resolves when `promise` does or the signal aborts, whichever comes first. */
function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done);
    void promise.then(done);
  });
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * One remote backend behind the `Engine` contract: the prompt Masque assembled goes out as raw
 * text, the reply streams back and is cut at stop strings exactly as the local engine cuts it.
 * Stopping closes the request (and tells servers that need it to stop). A failure becomes
 * BACKEND_ERROR or BACKEND_UNAVAILABLE naming the backend and the cause; text already streamed
 * has reached `onText` by then, so the caller keeps it.
 */
import type { BackendConfig } from "../../../../shared/domain/backend";
import type { GenerationStats } from "../../../../shared/domain/chat";
import type { ModelStatus } from "../../../../shared/domain/model";
import { MasqueError } from "../../../../shared/errors";
import type { PromptPiece } from "../../../../shared/prompt/assemble";
import type {
  Engine,
  GenerateRequest,
  GenerateResult,
  LoadedModel,
  LoadOptions,
  RemoteBackendInfo,
  ScoringSession,
  ThreadCalibration,
} from "../engine";
import { type ModelTemplateMatch, matchByMarkers } from "../modelTemplate";
import { StopMatcher } from "../stopMatcher";
import type { Dialect, ServerDescription, StreamEnd } from "./dialect";
import { backendError, formatDuration, type RemoteTarget, send } from "./http";
import { llamaServerDialect } from "./llamaServerDialect";
import { type LocalTokenizer, loadLocalTokenizer } from "./localTokenizer";
import { openaiDialect } from "./openaiDialect";
import { ignoredSamplers } from "./samplers";
import { readSse } from "./sse";
import { RemoteTokenCounts } from "./tokenCounts";

export interface RemoteEngineOptions {
  config: BackendConfig;
  apiKey: string | null;
  /** Until a server answers a request with its headers (default 15 s). */
  connectTimeoutMs?: number;
  /** Longest silence inside a streaming reply before it counts as cut (default 5 min: long prompts take a while). */
  idleTimeoutMs?: number;
}

const DIALECTS = { "llama-server": llamaServerDialect, openai: openaiDialect } as const;

export class RemoteEngine implements Engine {
  private readonly dialect: Dialect;
  private readonly target: RemoteTarget;
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private description: ServerDescription | null = null;
  private contextSize = 0;
  private counts = new RemoteTokenCounts(null);
  private state: ModelStatus["state"] = "none";
  private error: ModelStatus["error"] = null;
  private readonly listeners = new Set<(status: ModelStatus) => void>();
  private readonly inFlight = new Set<AbortController>();
  private tokenizer: LocalTokenizer | null = null;

  constructor(private readonly options: RemoteEngineOptions) {
    this.dialect = DIALECTS[options.config.kind];
    this.target = { name: options.config.name, url: options.config.url, apiKey: options.apiKey };
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  }

  get config(): BackendConfig {
    return this.options.config;
  }

  setApiKey(apiKey: string | null): void {
    this.target.apiKey = apiKey;
  }

  remote(): RemoteBackendInfo {
    return {
      name: this.options.config.name,
      kind: this.options.config.kind,
      url: this.options.config.url,
      model: this.description?.model ?? this.options.config.model ?? null,
      tokenCounts: this.counts.source,
      ignoredSamplers: ignoredSamplers(this.options.config.kind),
    };
  }

  status(): ModelStatus {
    const { config } = this.options;
    const d = this.description;
    return {
      state: this.state,
      // No model file: `backend` and `info` describe the server.
      path: null,
      info:
        this.state === "loaded" && d
          ? {
              path: config.url,
              fileName: d.model ?? config.name,
              sizeBytes: 0,
              architecture: config.kind,
              trainContextSize: this.contextSize,
              hasChatTemplate: d.chatTemplate !== null,
            }
          : null,
      error: this.error,
      threads: null,
      contextSize: this.state === "loaded" ? this.contextSize : null,
      backend: { name: config.name, kind: config.kind, url: config.url },
    };
  }

  loaded(): LoadedModel | null {
    if (this.state !== "loaded" || !this.description) return null;
    return {
      path: this.description.model ?? this.options.config.name,
      sizeBytes: 0,
      contentHash: "",
      threads: 0,
      contextSize: this.contextSize,
    };
  }

  /** Connects: asks the server what it serves. `options.contextSize` counts when the server does not say. */
  async load(_path: string, options: LoadOptions): Promise<ModelStatus> {
    this.setState("loading", null);
    try {
      const d = await this.describe();
      this.description = d;
      this.contextSize = d.contextSize ?? options.contextSize;
      const { dialect, target } = this;
      const countTokens = d.tokenizes ? dialect.countTokens : undefined;
      await this.tokenizer?.dispose();
      this.tokenizer = null;
      if (!countTokens && this.options.config.tokenizerModel) {
        this.tokenizer = await loadLocalTokenizer(this.options.config.tokenizerModel);
      }
      const local = this.tokenizer;
      this.counts = new RemoteTokenCounts(
        countTokens
          ? (text, addSpecial) => countTokens(target, text, addSpecial, this.connectTimeoutMs)
          : null,
        local ? (text, addSpecial) => local.count(text, addSpecial) : null,
      );
      this.setState("loaded", null);
    } catch (error) {
      const e = error instanceof MasqueError ? error : backendError(this.target, (error as Error).message);
      this.setState("error", { code: e.code, message: e.message });
      throw e;
    }
    return this.status();
  }

  /** What the server serves, without changing this engine's state (the `backends test` check). */
  describe(): Promise<ServerDescription> {
    return this.dialect.describe(this.target, this.options.config.model ?? null, this.connectTimeoutMs);
  }

  countTokens(text: string): number {
    return this.counts.count(text, false);
  }

  countPromptTokens(prompt: PromptPiece[]): number {
    return this.counts.count(joinPrompt(prompt), true);
  }

  prepareTokenCounts(rehearse: () => void): Promise<void> {
    return this.counts.prepare(rehearse);
  }

  tokenizePrompt(): number[] {
    throw new MasqueError("INVALID_INPUT", `Backend "${this.options.config.name}" does not give token ids.`);
  }

  calibrateThreads(): Promise<ThreadCalibration> {
    return Promise.reject(
      new MasqueError(
        "INVALID_INPUT",
        "Threads are measured for the local engine; a remote backend is active.",
      ),
    );
  }

  async setThreads(): Promise<void> {}

  openScoring(): Promise<ScoringSession> {
    return Promise.reject(
      new MasqueError(
        "INVALID_INPUT",
        "The workbench scores local model files; switch to the local engine (backends use local) first.",
      ),
    );
  }

  modelTemplate(): ModelTemplateMatch | null {
    const jinja = this.description?.chatTemplate;
    return jinja ? matchByMarkers(jinja) : null;
  }

  async releaseSession(): Promise<void> {}

  onStatus(listener: (status: ModelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    for (const controller of this.inFlight) controller.abort();
    this.listeners.clear();
    await this.tokenizer?.dispose();
    this.tokenizer = null;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    if (this.state !== "loaded") throw new MasqueError("MODEL_NOT_SET", "The backend is not connected.");
    if (request.lora?.length) {
      throw new MasqueError("INVALID_INPUT", "LoRA adapters are applied by the local engine only.");
    }
    const prompt = joinPrompt(request.prompt);
    const stop = [...new Set([...request.stopStrings, ...request.stopMarkers])].filter((s) => s !== "");
    const body = this.dialect.completionBody({
      prompt,
      stop,
      maxTokens: request.maxTokens,
      sampler: request.sampler,
      seed: request.seed,
      model: this.options.config.model ?? null,
    });
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    request.signal.addEventListener("abort", onAbort, { once: true });
    this.inFlight.add(controller);
    const started = performance.now();
    const run = new StreamRun(request, started);
    try {
      if (request.signal.aborted) return run.result("aborted", null, prompt, this.counts);
      let response: Response;
      try {
        response = await send(this.target, this.dialect.completionPath, {
          method: "POST",
          body,
          signal: controller.signal,
          timeoutMs: this.connectTimeoutMs,
        });
      } catch (error) {
        if (request.signal.aborted) return run.result("aborted", null, prompt, this.counts);
        throw error;
      }
      const end = await this.readStream(response, controller, run);
      if (request.signal.aborted) {
        this.tellServerToStop();
        return run.result("aborted", null, prompt, this.counts);
      }
      return run.result(end.stopReason, end, prompt, this.counts);
    } finally {
      request.signal.removeEventListener("abort", onAbort);
      this.inFlight.delete(controller);
    }
  }

  /** Reads the stream to its end; returns how it ended ("aborted" when the user stopped it). */
  private async readStream(
    response: Response,
    controller: AbortController,
    run: StreamRun,
  ): Promise<StreamEnd> {
    let silent = false;
    let end: StreamEnd | null = null;
    let timer: NodeJS.Timeout | undefined;
    const awake = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        silent = true;
        controller.abort();
      }, this.idleTimeoutMs);
    };
    awake();
    try {
      if (!response.body) throw backendError(this.target, "the reply has no body");
      for await (const event of readSse(response.body, awake)) {
        const step = this.parse(event.data);
        if (step.text && run.push(step.text)) end = { stopReason: "stop-string" };
        else end = step.end;
        if (end) break;
      }
    } catch (error) {
      if (run.request.signal.aborted) return { stopReason: "aborted" };
      if (end) return end;
      run.flush();
      if (silent) throw this.cut(run, `no data for ${formatDuration(this.idleTimeoutMs)}`);
      if (error instanceof MasqueError) throw error;
      throw this.cut(run, (error as Error).message);
    } finally {
      clearTimeout(timer);
      // A reply cut at a stop string: the server need not go on.
      controller.abort();
    }
    if (run.request.signal.aborted) return { stopReason: "aborted" };
    if (end) return end;
    run.flush();
    throw this.cut(run, "the server closed it before the end");
  }

  private parse(data: string): ReturnType<Dialect["parse"]> {
    try {
      return this.dialect.parse(data);
    } catch (error) {
      throw backendError(this.target, `malformed stream: ${(error as Error).message}`);
    }
  }

  private cut(run: StreamRun, cause: string): MasqueError {
    return backendError(
      this.target,
      `the reply stream was cut (${cause}) after ${run.text.length} characters; the text received is kept`,
    );
  }

  /** KoboldCpp keeps generating after the client hangs up: tell it (best effort). */
  private tellServerToStop(): void {
    const path = this.description?.abortPath;
    if (!path) return;
    void send(this.target, path, { method: "POST", body: {}, timeoutMs: this.connectTimeoutMs })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  }

  private setState(state: ModelStatus["state"], error: ModelStatus["error"]): void {
    this.state = state;
    this.error = error;
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}

/** The text of one reply as it streams: cut at stop strings, handed to `onText` when safe to show. */
class StreamRun {
  text = "";
  pieces = 0;
  firstAt: number | null = null;
  private readonly matcher: StopMatcher;

  constructor(
    readonly request: GenerateRequest,
    private readonly started: number,
  ) {
    this.matcher = new StopMatcher([...request.stopStrings, ...request.stopMarkers].filter((s) => s !== ""));
  }

  /** Returns true when a stop string was reached. */
  push(piece: string): boolean {
    this.pieces++;
    this.firstAt ??= performance.now();
    const { emit, stopped } = this.matcher.push(piece);
    this.emit(emit);
    return stopped;
  }

  flush(): void {
    this.emit(this.matcher.flush());
  }

  result(
    stopReason: GenerateResult["stopReason"],
    end: StreamEnd | null,
    prompt: string,
    counts: RemoteTokenCounts,
  ): GenerateResult {
    if (stopReason !== "stop-string") this.flush();
    const now = performance.now();
    const promptTokens = end?.promptTokens ?? counts.count(prompt, true);
    const generatedTokens = end?.generatedTokens ?? this.pieces;
    const genMs = this.firstAt === null ? 0 : now - this.firstAt;
    const stats: GenerationStats = {
      promptTokens,
      evaluatedTokens: Math.max(0, promptTokens - (end?.cachedTokens ?? 0)),
      generatedTokens,
      ttftMs: this.firstAt === null ? 0 : Math.round(this.firstAt - this.started),
      tokensPerSecond: genMs > 0 ? Math.round((generatedTokens / genMs) * 10_000) / 10 : 0,
    };
    return { text: this.text, stopReason, stats };
  }

  private emit(text: string): void {
    if (!text) return;
    this.text += text;
    this.request.onText(text);
  }
}

function joinPrompt(prompt: PromptPiece[]): string {
  return prompt.map((p) => p.text).join("");
}

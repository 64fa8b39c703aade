/**
 * The engine the services talk to: the local engine, or the active remote backend behind the
 * same `Engine` contract, chosen by the `activeBackend` setting. Nothing above this class knows
 * which one runs. A remote engine is made when its backend becomes active (and made anew when its
 * settings change); status events come from whichever engine is active.
 */
import { type BackendConfig, LOCAL_BACKEND } from "../../../shared/domain/backend";
import type { ModelStatus } from "../../../shared/domain/model";
import type { PromptPiece } from "../../../shared/prompt/assemble";
import type { SettingsStore } from "../../storage/settingsStore";
import { apiKeyFor, type SecretStore } from "../backends/secrets";
import type {
  Engine,
  GenerateRequest,
  GenerateResult,
  LoadedModel,
  LoadOptions,
  RemoteBackendInfo,
  ScoringOptions,
  ScoringSession,
  ThreadCalibration,
} from "./engine";
import type { ModelTemplateMatch } from "./modelTemplate";
import { RemoteEngine, type RemoteEngineOptions } from "./remote/remoteEngine";

export interface EngineSwitchOptions {
  local: Engine;
  settings: SettingsStore;
  secrets: SecretStore;
  /** Timeouts for remote engines (tests use short ones). */
  remote?: Pick<RemoteEngineOptions, "connectTimeoutMs" | "idleTimeoutMs">;
}

export class EngineSwitch implements Engine {
  private remoteEngine: { key: string; engine: RemoteEngine; stop: () => void } | null = null;
  /** Resolved when the backend settings change, never per call (token counting calls this a lot). */
  private active: Engine;
  private readonly listeners = new Set<(status: ModelStatus) => void>();
  private readonly stopLocal: () => void;

  constructor(private readonly options: EngineSwitchOptions) {
    this.active = options.local;
    this.active = this.resolve();
    this.stopLocal = options.local.onStatus((status) => {
      if (this.active === options.local) this.publish(status);
    });
  }

  /** The remote engine for a backend's settings (made for `backends test` too; not kept). */
  makeRemote(config: BackendConfig): RemoteEngine {
    return new RemoteEngine({
      config,
      apiKey: apiKeyFor(config, this.options.secrets),
      ...this.options.remote,
    });
  }

  /** Call after `activeBackend` or `backends` changed: picks the engine anew and announces its status. */
  activeChanged(): void {
    this.active = this.resolve();
    this.publish(this.active.status());
  }

  private activeConfig(): BackendConfig | null {
    const settings = this.options.settings.getAll();
    if (settings.activeBackend === LOCAL_BACKEND) return null;
    return settings.backends.find((b) => b.name === settings.activeBackend) ?? null;
  }

  private current(): Engine {
    return this.active;
  }

  private resolve(): Engine {
    const config = this.activeConfig();
    if (!config) {
      this.dropRemote();
      return this.options.local;
    }
    const key = JSON.stringify(config);
    if (this.remoteEngine?.key !== key) {
      this.dropRemote();
      const engine = new RemoteEngine({ config, apiKey: this.safeKey(config), ...this.options.remote });
      const stop = engine.onStatus((status) => {
        if (this.active === engine) this.publish(status);
      });
      this.remoteEngine = { key, engine, stop };
    }
    return this.remoteEngine.engine;
  }

  /** A key that cannot be read is reported when connecting (`load`), not on every status read. */
  private safeKey(config: BackendConfig): string | null {
    try {
      return apiKeyFor(config, this.options.secrets);
    } catch {
      return null;
    }
  }

  remote(): RemoteBackendInfo | null {
    const engine = this.current();
    return engine instanceof RemoteEngine ? engine.remote() : null;
  }

  status(): ModelStatus {
    return this.current().status();
  }

  loaded(): LoadedModel | null {
    return this.current().loaded();
  }

  load(path: string, options: LoadOptions): Promise<ModelStatus> {
    const engine = this.current();
    // The key is read when connecting: a variable set (or a key stored) since is picked up.
    if (engine instanceof RemoteEngine) engine.setApiKey(apiKeyFor(engine.config, this.options.secrets));
    return engine.load(path, options);
  }

  countTokens(text: string): number {
    return this.current().countTokens(text);
  }

  countPromptTokens(prompt: PromptPiece[]): number {
    return this.current().countPromptTokens(prompt);
  }

  async prepareTokenCounts(rehearse: () => void): Promise<void> {
    await this.current().prepareTokenCounts?.(rehearse);
  }

  openScoring(options: ScoringOptions): Promise<ScoringSession> {
    return this.current().openScoring(options);
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.current().generate(request);
  }

  tokenizePrompt(prompt: PromptPiece[]): number[] {
    return this.current().tokenizePrompt(prompt);
  }

  calibrateThreads(): Promise<ThreadCalibration> {
    return this.current().calibrateThreads();
  }

  setThreads(threads: number): Promise<void> {
    return this.current().setThreads(threads);
  }

  modelTemplate(): ModelTemplateMatch | null {
    return this.current().modelTemplate();
  }

  releaseSession(sessionKey: string): Promise<void> {
    return this.current().releaseSession(sessionKey);
  }

  onStatus(listener: (status: ModelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.stopLocal();
    this.dropRemote();
    this.listeners.clear();
    await this.options.local.dispose();
  }

  private dropRemote(): void {
    if (!this.remoteEngine) return;
    this.remoteEngine.stop();
    void this.remoteEngine.engine.dispose();
    this.remoteEngine = null;
  }

  private publish(status: ModelStatus): void {
    for (const listener of this.listeners) listener(status);
  }
}

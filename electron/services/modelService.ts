import type { ParsedRequestOf, ThreadCalibrationResult } from "../../shared/api/contract";
import type { ModelStatus } from "../../shared/domain/model";
import type { Settings, SettingsKey } from "../../shared/domain/settings";
import { MasqueError } from "../../shared/errors";
import type { SettingsStore } from "../storage/settingsStore";
import type { Engine } from "./engine/engine";
import { ModelLock } from "./locks/modelLock";

const RELOAD_KEYS: readonly SettingsKey[] = ["modelPath", "threads", "contextSize"];

/** What the model service needs to know about generations, so it never swaps the model under one. */
export interface GenerationActivity {
  /** Chats holding a generation lock in this process (calls still waiting for the model included). */
  generatingChats(): number;
  /** Generations that have started on the loaded model and not ended yet. */
  runningGenerations(): number;
}

/**
 * Which model is loaded and with what settings; loads on demand from the settings. Loading and
 * thread measurement run under one model lock and announce themselves as `model.status` events
 * (state "loading", phase "loading" then "calibrating"). The thread count is, in order: an explicit
 * value, the setting, or the one measured for this model on this machine (measured once, the first
 * time the model loads, and remembered per model file).
 */
export class ModelService {
  private stale = false;
  /** The modelPath setting changed since the model was loaded: a reload takes the new one. */
  private pathChanged = false;
  private calibrating = false;
  /** Workbench evaluations holding the model (under the model lock). */
  private evaluations = 0;
  private lastPublished = "";
  private readonly lock = new ModelLock();
  private readonly listeners = new Set<(status: ModelStatus) => void>();
  private readonly stopEngineStatus: () => void;

  constructor(
    private readonly engine: Engine,
    private readonly settings: SettingsStore,
    private readonly activity: GenerationActivity,
  ) {
    this.stopEngineStatus = engine.onStatus((status) => this.publish(status));
  }

  status(): ModelStatus {
    return this.decorate(this.engine.status());
  }

  onStatus(listener: (status: ModelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `model.load`: refused with BUSY while any chat is generating (or about to) in this process. */
  async load(input: ParsedRequestOf<"model.load">): Promise<ModelStatus> {
    this.assertNoGeneration("loading a model");
    this.assertNoEvaluation("loading a model");
    return this.lock.run(async () => {
      this.assertNoGeneration("loading a model");
      return this.loadLocked(input);
    });
  }

  /** Measures 1..cores threads, remembers the fastest for this model, and uses it unless a setting says otherwise. */
  async calibrate(): Promise<ThreadCalibrationResult> {
    this.assertNoGeneration("measuring threads");
    this.assertNoEvaluation("measuring threads");
    return this.lock.run(() => this.calibrateLocked());
  }

  /**
   * Loads the model from the settings when none is loaded, or when its settings changed since
   * (unless other chats are generating on it: then the reload waits for a later call).
   */
  async ensureLoaded(): Promise<void> {
    this.assertNoEvaluation("generating a reply");
    await this.lock.run(async () => {
      const loaded = this.engine.loaded();
      if (loaded && (!this.stale || this.activity.runningGenerations() > 0)) return;
      await this.loadLocked({});
    });
  }

  /**
   * Runs a workbench evaluation on the model at `path` under the model lock, loading it first if
   * another one is loaded (without saving it as the default). Meanwhile loading, measuring and
   * chat replies are BUSY. Afterwards the next chat reply reloads the settings' model if the
   * evaluation swapped it.
   */
  async withModel<T>(path: string, work: () => Promise<T>): Promise<T> {
    this.assertNoGeneration("evaluating a model");
    this.assertNoEvaluation("evaluating another model");
    this.evaluations++;
    try {
      return await this.lock.run(async () => {
        this.assertNoGeneration("evaluating a model");
        const loaded = this.engine.loaded();
        if (!loaded || loaded.path !== path) {
          await this.loadLocked({ path, remember: false });
          if (path !== this.settings.getAll().modelPath) {
            this.stale = true;
            this.pathChanged = true;
          }
        }
        return await work();
      });
    } finally {
      this.evaluations--;
    }
  }

  settingsChanged(keys: readonly string[]): void {
    if (keys.includes("modelPath")) this.pathChanged = true;
    if (this.engine.loaded() && keys.some((k) => (RELOAD_KEYS as readonly string[]).includes(k))) {
      this.stale = true;
    }
  }

  dispose(): void {
    this.stopEngineStatus();
    this.listeners.clear();
  }

  private async loadLocked(input: ParsedRequestOf<"model.load">): Promise<ModelStatus> {
    const settings = this.settings.getAll();
    const remote = this.engine.remote?.() ?? null;
    if (remote) return this.connectLocked(remote.name, input, settings);
    const path = input.path ?? this.defaultPath(settings);
    if (!path) {
      throw new MasqueError("MODEL_NOT_SET", "No model file is set. Choose a GGUF model in the settings.");
    }
    const measured = settings.modelOverrides[path]?.threads;
    const explicit = input.threads ?? (settings.threads > 0 ? settings.threads : undefined);
    const measure = explicit === undefined && measured === undefined;
    // The engine reports "loaded" before the measurement: show it as still loading until then.
    this.calibrating = measure;
    try {
      await this.engine.load(path, {
        threads: explicit ?? measured ?? 0,
        contextSize: input.contextSize ?? settings.contextSize,
      });
      this.stale = false;
      this.pathChanged = false;
      if (input.path !== undefined && input.remember !== false && input.path !== settings.modelPath) {
        this.settings.update({ modelPath: input.path });
      }
      if (measure) await this.calibrateLocked();
    } finally {
      // Unless the measurement ran (and announced its end), say that loading is over.
      if (this.calibrating) {
        this.calibrating = false;
        this.publish(this.engine.status());
      }
    }
    return this.status();
  }

  /** A remote backend is active: "loading" is connecting to it (a model file makes no sense there). */
  private async connectLocked(
    name: string,
    input: ParsedRequestOf<"model.load">,
    settings: Settings,
  ): Promise<ModelStatus> {
    if (input.path !== undefined) {
      throw new MasqueError(
        "INVALID_INPUT",
        `The remote backend "${name}" is active; switch to the local engine (backends use local) to load a model file.`,
      );
    }
    await this.engine.load("", { threads: 0, contextSize: input.contextSize ?? settings.contextSize });
    this.stale = false;
    return this.status();
  }

  private async calibrateLocked(): Promise<ThreadCalibrationResult> {
    const loaded = this.engine.loaded();
    if (!loaded) throw new MasqueError("MODEL_NOT_SET", "Load a model before measuring threads.");
    this.calibrating = true;
    this.publish(this.engine.status());
    try {
      const calibration = await this.engine.calibrateThreads();
      const settings = this.settings.getAll();
      this.settings.update({
        modelOverrides: {
          ...settings.modelOverrides,
          [loaded.path]: { ...settings.modelOverrides[loaded.path], threads: calibration.best },
        },
      });
      const threads = settings.threads > 0 ? settings.threads : calibration.best;
      await this.engine.setThreads(threads);
      return { ...calibration, threads };
    } finally {
      this.calibrating = false;
      this.publish(this.engine.status());
    }
  }

  /** A reload keeps the loaded model (it may have come from `--model` without being saved) unless the setting changed. */
  private defaultPath(settings: Settings): string {
    const loaded = this.engine.loaded();
    if (loaded && !(this.pathChanged && settings.modelPath)) return loaded.path;
    return settings.modelPath;
  }

  private assertNoGeneration(what: string): void {
    if (this.activity.generatingChats() > 0) {
      throw new MasqueError("BUSY", `A reply is being generated; stop it before ${what}.`);
    }
  }

  private assertNoEvaluation(what: string): void {
    if (this.evaluations > 0) {
      throw new MasqueError(
        "BUSY",
        `The model workbench is evaluating a model; cancel it or wait before ${what}.`,
      );
    }
  }

  private decorate(status: ModelStatus): ModelStatus {
    if (status.state === "loading") return { ...status, phase: "loading" };
    if (this.calibrating && status.state === "loaded")
      return { ...status, state: "loading", phase: "calibrating" };
    return status;
  }

  private publish(status: ModelStatus): void {
    const decorated = this.decorate(status);
    // Loading then measuring announces "calibrating" from both steps: say it once.
    const json = JSON.stringify(decorated);
    if (json === this.lastPublished) return;
    this.lastPublished = json;
    for (const listener of this.listeners) listener(decorated);
  }
}

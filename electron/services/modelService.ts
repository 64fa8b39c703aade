import type { ParsedRequestOf, ThreadCalibrationResult } from "../../shared/api/contract";
import type { ModelStatus } from "../../shared/domain/model";
import type { SettingsKey } from "../../shared/domain/settings";
import { MasqueError } from "../../shared/errors";
import type { SettingsStore } from "../storage/settingsStore";
import type { Engine } from "./engine/engine";
import type { ModelLibrary } from "./models/modelLibrary";

const RELOAD_KEYS: readonly SettingsKey[] = ["modelPath", "threads", "contextSize"];

/**
 * Which model is loaded and with what settings; loads on demand from the settings. The thread
 * count is, in order: an explicit value, the setting, or the one measured for this model on this
 * machine (measured once, the first time the model loads, and remembered per model file).
 */
export class ModelService {
  private stale = false;

  constructor(
    private readonly engine: Engine,
    private readonly settings: SettingsStore,
    private readonly library?: ModelLibrary,
  ) {}

  status(): ModelStatus {
    return this.engine.status();
  }

  async load(input: ParsedRequestOf<"model.load">): Promise<ModelStatus> {
    const settings = this.settings.getAll();
    const path = input.path ?? settings.modelPath;
    if (!path) {
      throw new MasqueError("MODEL_NOT_SET", "No model file is set. Choose a GGUF model in the settings.");
    }
    // The library resolves the file, refuses one that is missing or does not fit, and picks the context.
    const plan = await this.library?.planLoad(path, input.contextSize);
    const measured = this.settings.getAll().modelOverrides[plan?.path ?? path]?.threads;
    const explicit = input.threads ?? (settings.threads > 0 ? settings.threads : undefined);
    const status = await this.engine.load(plan?.path ?? path, {
      threads: explicit ?? measured ?? 0,
      contextSize: plan?.contextSize ?? input.contextSize ?? settings.contextSize,
      ...(plan?.gpuLayers === undefined ? {} : { gpuLayers: plan.gpuLayers }),
    });
    this.stale = false;
    if (input.path !== undefined && input.remember !== false && input.path !== settings.modelPath) {
      this.settings.update({ modelPath: input.path });
    }
    if (explicit === undefined && measured === undefined) {
      await this.calibrate();
      return this.engine.status();
    }
    return status;
  }

  /** Measures 1..cores threads, remembers the fastest for this model, and uses it unless a setting says otherwise. */
  async calibrate(): Promise<ThreadCalibrationResult> {
    const loaded = this.engine.loaded();
    if (!loaded) throw new MasqueError("MODEL_NOT_SET", "Load a model before measuring threads.");
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
  }

  /** Loads the model from the settings when none is loaded, or when its settings changed since. */
  async ensureLoaded(): Promise<void> {
    if (this.engine.loaded() && !this.stale) return;
    await this.load({});
  }

  settingsChanged(keys: readonly string[]): void {
    if (this.engine.loaded() && keys.some((k) => (RELOAD_KEYS as readonly string[]).includes(k))) {
      this.stale = true;
    }
  }
}

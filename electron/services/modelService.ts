import type { ParsedRequestOf } from "../../shared/api/contract";
import type { ModelStatus } from "../../shared/domain/model";
import type { SettingsKey } from "../../shared/domain/settings";
import { MasqueError } from "../../shared/errors";
import type { SettingsStore } from "../storage/settingsStore";
import type { Engine } from "./engine/engine";

const RELOAD_KEYS: readonly SettingsKey[] = ["modelPath", "threads", "contextSize"];

/** Which model is loaded and with what settings; loads on demand from the settings. */
export class ModelService {
  private stale = false;

  constructor(
    private readonly engine: Engine,
    private readonly settings: SettingsStore,
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
    const status = await this.engine.load(path, {
      threads: input.threads ?? settings.threads,
      contextSize: input.contextSize ?? settings.contextSize,
    });
    this.stale = false;
    if (input.path !== undefined && input.remember !== false && input.path !== settings.modelPath) {
      this.settings.update({ modelPath: input.path });
    }
    return status;
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

/**
 * The backends as the user manages them: list (never a key), add or replace, test (connect and
 * report the server's model and context size), use (make one active), remove. Switching is
 * refused while a reply is being generated, so no generation changes engine halfway.
 */
import { existsSync } from "node:fs";
import type { ParsedRequestOf } from "../../../shared/api/contract";
import { describeIssues } from "../../../shared/api/validate";
import {
  type BackendConfig,
  type BackendInfo,
  type BackendTestResult,
  backendSchema,
  LOCAL_BACKEND,
} from "../../../shared/domain/backend";
import type { Settings } from "../../../shared/domain/settings";
import { MasqueError, toApiError } from "../../../shared/errors";
import type { SettingsStore } from "../../storage/settingsStore";
import type { EngineSwitch } from "../engine/engineSwitch";
import type { ModelService } from "../modelService";
import type { SecretStore } from "./secrets";

export interface BackendServiceOptions {
  settings: SettingsStore;
  engine: EngineSwitch;
  models: ModelService;
  secrets: SecretStore;
  /** Chats generating (or about to) in this process. */
  generating: () => number;
}

export class BackendService {
  constructor(private readonly options: BackendServiceOptions) {}

  list(): BackendInfo[] {
    const settings = this.options.settings.getAll();
    const local: BackendInfo = {
      name: LOCAL_BACKEND,
      kind: "local",
      url: null,
      model: settings.modelPath || null,
      apiKey: "none",
      apiKeyEnv: null,
      allowPlainHttp: false,
      tokenizerModel: null,
      active: settings.activeBackend === LOCAL_BACKEND,
    };
    return [local, ...settings.backends.map((b) => info(b, settings))];
  }

  add(input: ParsedRequestOf<"backends.add">): BackendInfo {
    const { apiKey, ...rest } = input;
    if (apiKey !== undefined && rest.apiKeyEnv !== undefined) {
      throw new MasqueError("INVALID_INPUT", "give either apiKey or apiKeyEnv, not both");
    }
    const parsed = backendSchema.safeParse({
      ...rest,
      ...(apiKey === undefined ? {} : { apiKeyStored: true }),
    });
    if (!parsed.success) throw new MasqueError("INVALID_INPUT", describeIssues(parsed.error.issues));
    const config = parsed.data;
    if (config.tokenizerModel && !existsSync(config.tokenizerModel)) {
      throw new MasqueError("INVALID_INPUT", `tokenizerModel: ${config.tokenizerModel} does not exist`);
    }
    const settings = this.options.settings.getAll();
    if (settings.activeBackend === config.name)
      this.assertIdle(`changing the active backend "${config.name}"`);
    if (apiKey !== undefined) this.options.secrets.set(config.name, apiKey);
    else this.options.secrets.delete(config.name);
    const backends = [...settings.backends.filter((b) => b.name !== config.name), config];
    this.save({ backends });
    return info(config, this.options.settings.getAll());
  }

  async test(name: string): Promise<BackendTestResult> {
    const config = this.find(name);
    try {
      const d = await this.options.engine.makeRemote(config).describe();
      return { ok: true, name, model: d.model, contextSize: d.contextSize };
    } catch (error) {
      const { code, message } = toApiError(error);
      return { ok: false, name, model: config.model ?? null, contextSize: null, error: { code, message } };
    }
  }

  use(name: string): { active: string } {
    if (name !== LOCAL_BACKEND) this.find(name);
    const settings = this.options.settings.getAll();
    if (settings.activeBackend !== name) {
      this.assertIdle("switching backends");
      this.save({ activeBackend: name });
    }
    return { active: name };
  }

  remove(name: string): { deleted: true; active: string } {
    this.find(name);
    const settings = this.options.settings.getAll();
    const active = settings.activeBackend === name ? LOCAL_BACKEND : settings.activeBackend;
    if (active !== settings.activeBackend) this.assertIdle(`removing the active backend "${name}"`);
    this.save({ backends: settings.backends.filter((b) => b.name !== name), activeBackend: active });
    this.options.secrets.delete(name);
    return { deleted: true, active };
  }

  /**
   * A plain settings update that touches the backends keeps them consistent (the active one
   * exists) and never switches under a running generation.
   */
  checkPatch(patch: Partial<Settings>, settings: Settings): void {
    if (patch.activeBackend === undefined && patch.backends === undefined) return;
    const active = patch.activeBackend ?? settings.activeBackend;
    const list = patch.backends ?? settings.backends;
    if (active !== LOCAL_BACKEND && !list.some((b) => b.name === active)) {
      throw new MasqueError(
        "INVALID_INPUT",
        `activeBackend: no backend named "${active}" (see backends list)`,
      );
    }
    if (active !== settings.activeBackend) this.assertIdle("switching backends");
  }

  private find(name: string): BackendConfig {
    const found = this.options.settings.getAll().backends.find((b) => b.name === name);
    if (!found) throw new MasqueError("NOT_FOUND", `no backend named "${name}" (see backends list)`);
    return found;
  }

  private save(patch: Partial<Pick<Settings, "backends" | "activeBackend">>): void {
    this.options.settings.update(patch);
    this.options.models.settingsChanged(Object.keys(patch));
    this.options.engine.activeChanged();
  }

  private assertIdle(what: string): void {
    if (this.options.generating() > 0) {
      throw new MasqueError("BUSY", `A reply is being generated; stop it before ${what}.`);
    }
  }
}

function info(b: BackendConfig, settings: Settings): BackendInfo {
  return {
    name: b.name,
    kind: b.kind,
    url: b.url,
    model: b.model ?? null,
    apiKey: b.apiKeyEnv ? "env" : b.apiKeyStored ? "stored" : "none",
    apiKeyEnv: b.apiKeyEnv ?? null,
    allowPlainHttp: b.allowPlainHttp === true,
    tokenizerModel: b.tokenizerModel ?? null,
    active: settings.activeBackend === b.name,
  };
}

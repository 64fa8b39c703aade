import type { AppInfo, EventName, EventTypes } from "../../shared/api/contract";
import type { Result } from "../../shared/errors";
import type { SettingsStore } from "../storage/settingsStore";
import type { SecretStore } from "./backends/secrets";

export type CoreEventListener = <E extends EventName>(event: E, payload: EventTypes[E]) => void;

export interface CoreOptions {
  /** Where the database and settings live (created if missing). */
  dataDir: string;
  host: AppInfo["host"];
  settings: SettingsStore;
  version: string;
  /** Where remote backends' API keys may be kept encrypted (the desktop app); default: nowhere. */
  secrets?: SecretStore;
  /** llama.cpp log lines of level warn and above go here (default: stderr). */
  log?: (line: string) => void;
}

/**
 * The service core as every host sees it: one dispatcher for every contract method (validating
 * the input and returning the error envelope, never throwing) and one event stream.
 */
export interface Core {
  readonly dataDir: string;
  /** Where the web host stores uploaded files for `import.start {uploadId}`. */
  readonly uploadsDir: string;
  dispatch(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: CoreEventListener): () => void;
  dispose(): Promise<void>;
}

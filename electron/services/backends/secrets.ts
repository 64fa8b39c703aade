/**
 * Where a remote backend's API key comes from: the environment variable its settings name, or a
 * key store that keeps it encrypted (the desktop app's safeStorage). Keys are never written to the
 * settings file and never returned by any API.
 */
import type { BackendConfig } from "../../../shared/domain/backend";
import { MasqueError } from "../../../shared/errors";

export interface SecretStore {
  /** Whether keys can be kept here (false outside the desktop app). */
  available(): boolean;
  get(name: string): string | null;
  set(name: string, key: string): void;
  delete(name: string): void;
}

/** The CLI and the web host keep no keys: they read environment variables only. */
export const NO_SECRET_STORE: SecretStore = {
  available: () => false,
  get: () => null,
  set: () => {
    throw new MasqueError(
      "INVALID_INPUT",
      "This host cannot keep API keys; put the key in an environment variable and name it with apiKeyEnv.",
    );
  },
  delete: () => {},
};

/** The backend's key, or null when it has none; a named but unset variable is an error naming it. */
export function apiKeyFor(
  config: BackendConfig,
  secrets: SecretStore,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (config.apiKeyEnv) {
    const key = env[config.apiKeyEnv];
    if (!key) {
      throw new MasqueError(
        "BACKEND_ERROR",
        `Backend "${config.name}": the environment variable ${config.apiKeyEnv} that should hold its API key is not set.`,
        { backend: config.name },
      );
    }
    return key;
  }
  if (config.apiKeyStored) {
    const key = secrets.get(config.name);
    if (!key) {
      throw new MasqueError(
        "BACKEND_ERROR",
        `Backend "${config.name}": its stored API key cannot be read here; enter it again.`,
        { backend: config.name },
      );
    }
    return key;
  }
  return null;
}

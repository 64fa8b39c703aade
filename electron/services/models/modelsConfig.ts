/**
 * Where models come from and how long the network may take. The hub is the `hubEndpoint` setting
 * unless MASQUE_HF_ENDPOINT overrides it; the two time limits can be changed through the
 * environment (slow links, tests).
 */
import type { Settings } from "../../../shared/domain/settings";
import { MasqueError } from "../../../shared/errors";
import { normalizeEndpoint } from "./modelSource";

export interface ModelsConfig {
  /** With a trailing slash. */
  endpoint: string;
  /** One request to the hub (manifest, file list, probe, header). */
  timeoutMs: number;
  /** A transfer receiving nothing for this long is stopped (its partial file kept). */
  stallMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_STALL_MS = 60_000;

export function modelsConfig(
  settings: Pick<Settings, "hubEndpoint">,
  env: NodeJS.ProcessEnv = process.env,
): ModelsConfig {
  return {
    endpoint: normalizeEndpoint(env.MASQUE_HF_ENDPOINT?.trim() || settings.hubEndpoint),
    timeoutMs: milliseconds(env, "MASQUE_HUB_TIMEOUT_MS", DEFAULT_TIMEOUT_MS),
    stallMs: milliseconds(env, "MASQUE_DOWNLOAD_STALL_MS", DEFAULT_STALL_MS),
  };
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 3_600_000) {
    throw new MasqueError(
      "INVALID_INPUT",
      `${name} must be a whole number of milliseconds between 100 and 3600000`,
    );
  }
  return value;
}

/**
 * Inference backends: "local" (the node-llama-cpp engine in this process) or a named remote
 * server that completes raw prompt text. A backend's API key never lives in its settings: only the
 * name of an environment variable that holds it, or a flag saying the desktop app keeps it
 * encrypted (Electron safeStorage).
 */
import { z } from "zod";

export const BACKEND_KINDS = ["llama-server", "openai"] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** The name of the built-in backend (the local engine); no remote backend may take it. */
export const LOCAL_BACKEND = "local";

const BACKEND_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export const backendNameSchema = z
  .string()
  .regex(BACKEND_NAME, "name: letters, digits, '.', '_' or '-' (at most 40), starting with a letter or digit")
  .refine((n) => n !== LOCAL_BACKEND, `name: "${LOCAL_BACKEND}" is the built-in engine`);

export const backendSchema = z
  .object({
    name: backendNameSchema,
    kind: z.enum(BACKEND_KINDS),
    url: z.string().min(1).max(2000),
    /** The model to ask for (servers that host several); absent: the server's default. */
    model: z.string().min(1).max(500).optional(),
    /** The environment variable holding the API key. */
    apiKeyEnv: z.string().regex(ENV_NAME, "apiKeyEnv must be an environment variable name").optional(),
    /** The key is kept encrypted by the desktop app (never in this file). */
    apiKeyStored: z.boolean().optional(),
    /** Allow plain http:// to a host on the local network (loopback needs no permission). */
    allowPlainHttp: z.boolean().optional(),
    /** A local GGUF of the same model: exact token counts for servers without /tokenize. */
    tokenizerModel: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .superRefine((backend, ctx) => {
    const problem = urlProblem(backend.url, backend.allowPlainHttp === true);
    if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: problem });
  });

export type BackendConfig = z.infer<typeof backendSchema>;

/** A backend as lists show it: never the key, only where it comes from. */
export interface BackendInfo {
  name: string;
  kind: BackendKind | "local";
  url: string | null;
  model: string | null;
  apiKey: "none" | "env" | "stored";
  apiKeyEnv: string | null;
  allowPlainHttp: boolean;
  tokenizerModel: string | null;
  active: boolean;
}

export interface BackendTestResult {
  ok: boolean;
  name: string;
  /** The model the server serves (or was asked for). */
  model: string | null;
  contextSize: number | null;
  error?: { code: string; message: string };
}

/**
 * Why a URL may not be used, or null: http(s) only; plain http only to loopback, or to a private
 * network address when the user allowed it for this backend; no credentials inside the URL.
 */
export function urlProblem(raw: string, allowPlainHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `url: "${raw}" is not a URL`;
  }
  if (url.username || url.password) return "url: put the API key in an environment variable, not in the URL";
  if (url.protocol === "https:") return null;
  if (url.protocol !== "http:") return `url: ${url.protocol} is not supported (use http:// or https://)`;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isLoopback(host)) return null;
  if (allowPlainHttp && isPrivateNetwork(host)) return null;
  return allowPlainHttp
    ? `url: plain http:// is only allowed to loopback or a local-network address, not ${host}`
    : `url: plain http:// is only allowed to loopback (127.0.0.1, ::1, localhost); use https:// or allow plain HTTP to this LAN host`;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function isPrivateNetwork(host: string): boolean {
  if (/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (/^192\.168\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  const m = /^172\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (m && Number(m[1]) >= 16 && Number(m[1]) <= 31) return true;
  if (/^(fe80|fc|fd)[0-9a-f]*:/i.test(host)) return true;
  return host.endsWith(".local") || host.endsWith(".lan") || !host.includes(".");
}

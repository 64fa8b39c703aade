/**
 * HTTP to a remote backend: every failure becomes BACKEND_UNAVAILABLE (not reached, no answer in
 * time) or BACKEND_ERROR (an error status, with the server's own message) naming the backend and
 * the cause. The API key goes only into the Authorization header; it is cut out of any text that
 * could reach a message.
 */
import { MasqueError } from "../../../../shared/errors";

export interface RemoteTarget {
  name: string;
  /** The server's base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  apiKey: string | null;
}

export interface RequestOptions {
  method: "GET" | "POST";
  body?: unknown;
  signal?: AbortSignal;
  /** Until the response headers arrive. */
  timeoutMs: number;
}

export function endpoint(target: RemoteTarget, path: string): string {
  const base = target.url.endsWith("/") ? target.url : `${target.url}/`;
  return new URL(path.replace(/^\//, ""), base).toString();
}

/** Sends the request; resolves with a successful response (its body not read yet). */
export async function send(target: RemoteTarget, path: string, options: RequestOptions): Promise<Response> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  let response: Response;
  try {
    response = await fetch(endpoint(target, path), {
      method: options.method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      // An API does not redirect; following one could carry the key to another place.
      redirect: "error",
      signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (timeout.signal.aborted) {
      throw unavailable(
        target,
        `no answer to ${options.method} ${path} within ${seconds(options.timeoutMs)}`,
      );
    }
    throw unavailable(target, networkCause(error));
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) throw await statusError(target, `${options.method} ${path}`, response);
  return response;
}

export async function requestJson(
  target: RemoteTarget,
  path: string,
  options: RequestOptions,
): Promise<unknown> {
  const response = await send(target, path, options);
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw backendError(
      target,
      `${options.method} ${path} answered with something that is not JSON: ${clip(text)}`,
    );
  }
}

export function backendError(target: RemoteTarget, cause: string): MasqueError {
  return new MasqueError(
    "BACKEND_ERROR",
    scrub(target, `Backend "${target.name}" (${target.url}): ${cause}`),
    {
      backend: target.name,
    },
  );
}

export function unavailable(target: RemoteTarget, cause: string): MasqueError {
  return new MasqueError(
    "BACKEND_UNAVAILABLE",
    scrub(target, `Backend "${target.name}" (${target.url}) cannot be reached: ${cause}`),
    { backend: target.name },
  );
}

async function statusError(target: RemoteTarget, what: string, response: Response): Promise<MasqueError> {
  const said = serverMessage(await response.text().catch(() => ""));
  const status = `HTTP ${response.status}`;
  const tail = said ? `: ${said}` : "";
  if (response.status === 401 || response.status === 403) {
    return backendError(target, `${what} was refused (${status}); the API key is missing or wrong${tail}`);
  }
  if (response.status === 404) {
    return backendError(target, `${what} was not found (${status}); check the URL and the model name${tail}`);
  }
  return backendError(target, `${what} failed (${status})${tail}`);
}

/** The message inside an error body: {error:{message}}, {error:"..."}, {message}, {detail} or the text. */
export function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const error = json.error;
    if (typeof error === "string") return clip(error);
    if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
      return clip((error as { message: string }).message);
    }
    for (const key of ["message", "detail"])
      if (typeof json[key] === "string") return clip(json[key] as string);
  } catch {
    // Not JSON: the text itself.
  }
  return clip(body.trim());
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const names: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ENOTFOUND: "unknown host",
    EHOSTUNREACH: "host unreachable",
    ECONNRESET: "connection reset",
    ETIMEDOUT: "connection timed out",
  };
  if (code) return `${names[code] ?? cause?.message ?? "network error"} (${code})`;
  return cause?.message ?? (error as Error).message ?? "network error";
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function scrub(target: RemoteTarget, text: string): string {
  return target.apiKey ? text.split(target.apiKey).join("***") : text;
}

export { seconds as formatDuration };

/**
 * The few hub calls Masque makes itself, each with a timeout (node-llama-cpp's own manifest fetch
 * takes no signal, and its downloader retries a failing server for minutes):
 * - the manifest (`/v2/USER/REPO/manifests/TAG`), to learn which file a `:QUANT` tag selects;
 * - the tree API (`/api/models/USER/REPO/tree/BRANCH/DIR`), for each file's size and SHA-256 (`lfs.oid`);
 * - a one-byte probe of a download URL, so a dead or missing file fails fast and clearly.
 * The token goes only to the hub's own origin, and never into a message.
 */
import { MasqueError } from "../../../shared/errors";
import type { HubFileRef } from "./modelSource";

export interface HubClientOptions {
  /** With a trailing slash. */
  endpoint: string;
  token: string | null;
  timeoutMs: number;
}

export interface PublishedFile {
  path: string;
  size: number | null;
  /** From `lfs.oid`; null for a file the hub does not keep in LFS. */
  sha256: string | null;
}

export interface ProbeResult {
  /** The file's total size, from `content-range` (or `content-length` when ranges are not served). */
  size: number | null;
  acceptsRanges: boolean;
}

const SHA256 = /^[a-f0-9]{64}$/;

export class HubClient {
  private readonly origin: string;

  constructor(private readonly options: HubClientOptions) {
    this.origin = new URL(options.endpoint).origin;
  }

  /** The file a tag selects: `{rfilename, size}` from the manifest. */
  async manifest(user: string, repo: string, tag: string, signal?: AbortSignal) {
    const url = `${this.options.endpoint}v2/${encodeURIComponent(user)}/${encodeURIComponent(repo)}/manifests/${encodeURIComponent(tag)}`;
    const what = `hf:${user}/${repo}:${tag}`;
    // HF adds `ggufFile` only for llama.cpp's user agent (llama.cpp PR #11195).
    const response = await this.request(url, what, { "User-Agent": "llama-cpp" }, signal);
    if (response.status === 404 || response.status === 400) {
      throw new MasqueError(
        "NOT_FOUND",
        `${what}: the hub has no such repository or no "${tag}" file in it (HTTP ${response.status})`,
        { uri: what, status: response.status },
      );
    }
    this.checkStatus(response, what);
    const body = await this.json(response, what);
    const file = (body as { ggufFile?: { rfilename?: unknown; size?: unknown } } | null)?.ggufFile;
    if (typeof file?.rfilename !== "string" || file.rfilename === "") {
      throw new MasqueError("NOT_FOUND", `${what}: the hub's manifest names no GGUF file for this tag`, {
        uri: what,
      });
    }
    return { rfilename: file.rfilename, size: typeof file.size === "number" ? file.size : null };
  }

  /** The published size and SHA-256 of every file in the directory holding `file`. */
  async directory(file: HubFileRef, signal?: AbortSignal): Promise<PublishedFile[]> {
    const slash = file.filePath.lastIndexOf("/");
    const dir = slash < 0 ? "" : file.filePath.slice(0, slash);
    const url =
      `${this.options.endpoint}api/models/${encodeURIComponent(file.user)}/${encodeURIComponent(file.repo)}` +
      `/tree/${encodeURIComponent(file.branch)}${dir ? `/${dir.split("/").map(encodeURIComponent).join("/")}` : ""}`;
    const what = `hf:${file.user}/${file.repo} (${file.branch})`;
    const response = await this.request(url, what, {}, signal);
    if (response.status === 404) {
      throw new MasqueError(
        "NOT_FOUND",
        `${what}: the hub has no such repository, branch or folder (HTTP 404)`,
        {
          status: 404,
        },
      );
    }
    this.checkStatus(response, what);
    const body = await this.json(response, what);
    if (!Array.isArray(body)) throw this.unexpected(what, "the file list is not an array");
    return body.flatMap((entry: unknown) => {
      const e = entry as {
        type?: unknown;
        path?: unknown;
        size?: unknown;
        lfs?: { oid?: unknown; size?: unknown };
      };
      if (e?.type !== "file" || typeof e.path !== "string") return [];
      const oid = typeof e.lfs?.oid === "string" ? e.lfs.oid.toLowerCase() : null;
      const size = typeof e.lfs?.size === "number" ? e.lfs.size : typeof e.size === "number" ? e.size : null;
      return [{ path: e.path, size, sha256: oid && SHA256.test(oid) ? oid : null }];
    });
  }

  /** Asks for the first byte: the server answers, the file exists, and its size is known before anything is written. */
  async probe(url: string, signal?: AbortSignal): Promise<ProbeResult> {
    const response = await this.request(
      url,
      url,
      { Range: "bytes=0-0", "Accept-Encoding": "identity" },
      signal,
    );
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 404 || response.status === 410) {
      throw new MasqueError("NOT_FOUND", `${url}: no such file (HTTP ${response.status})`, {
        status: response.status,
      });
    }
    this.checkStatus(response, url);
    const range = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
    if (response.status === 206 && range) return { size: Number(range[1]), acceptsRanges: true };
    const length = Number(response.headers.get("content-length"));
    return { size: Number.isFinite(length) && length > 0 ? length : null, acceptsRanges: false };
  }

  /** Whether requests to `url` may carry the token. */
  isHubUrl(url: string): boolean {
    try {
      return new URL(url).origin === this.origin;
    } catch {
      return false;
    }
  }

  private async request(
    url: string,
    what: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const auth: Record<string, string> =
      this.options.token && this.isHubUrl(url) ? { Authorization: `Bearer ${this.options.token}` } : {};
    try {
      return await fetch(url, { headers: { ...headers, ...auth }, signal: combined, redirect: "follow" });
    } catch (error) {
      if (signal?.aborted) throw new MasqueError("ABORTED", `${what}: cancelled`);
      if (timeout.aborted) {
        throw new MasqueError(
          "ABORTED",
          `${what}: ${new URL(url).origin} did not answer within ${Math.round(this.options.timeoutMs / 1000)} s; nothing was downloaded`,
          { reason: "timeout", timeoutMs: this.options.timeoutMs },
        );
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new MasqueError(
        "ABORTED",
        `${what}: could not reach ${new URL(url).origin} (${cause?.code ?? cause?.message ?? (error as Error).message})`,
        { reason: "network" },
      );
    }
  }

  private checkStatus(response: Response, what: string): void {
    if (response.ok) return;
    if (response.status === 401 || response.status === 403) {
      throw new MasqueError(
        "UNAUTHORIZED",
        `${what}: the hub refused access (HTTP ${response.status}); a gated or private repository needs an access token (HF_TOKEN)`,
        { status: response.status },
      );
    }
    throw new MasqueError("ABORTED", `${what}: the hub answered HTTP ${response.status}`, {
      reason: "status",
      status: response.status,
    });
  }

  private async json(response: Response, what: string): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw this.unexpected(what, "the answer is not JSON");
    }
  }

  private unexpected(what: string, reason: string): MasqueError {
    return new MasqueError("ABORTED", `${what}: unexpected answer from the hub (${reason})`, {
      reason: "protocol",
    });
  }
}

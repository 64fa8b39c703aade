/**
 * A loopback imitation of the Hugging Face hub, byte for byte the routes node-llama-cpp 3.21.1 and
 * Masque use (shared/reference/model-downloads.md):
 * - `GET /v2/USER/REPO/manifests/TAG` → `{ggufFile: {rfilename, size}}` (the tag compared case-insensitively),
 * - `GET|HEAD /USER/REPO/resolve/BRANCH/PATH` → the file, `accept-ranges: bytes`, 206 for a `Range`,
 * - `GET /api/models/USER/REPO/tree/BRANCH[/DIR]` → `[{type, path, size, oid, lfs: {oid, size}}]`.
 * It counts the body bytes it sends (per request and in total), can throttle, and can be told to
 * never answer at all. Binds 127.0.0.1 on a random port.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

export interface FakeFile {
  /** Path inside the repository, e.g. "Stories-F32.gguf" or "sub/dir/model.gguf". */
  path: string;
  /** The file served (read from disk on every request, so large files cost no memory)... */
  source?: string;
  /** ...or a file of this many zero bytes that exists nowhere (publish its hash with `publishedSha256`). */
  virtualSize?: number;
  /** The sha256 the tree API publishes; defaults to the file's real hash. */
  publishedSha256?: string;
  /** The size the tree API and manifest publish; defaults to the real size. */
  publishedSize?: number;
}

export interface FakeRepo {
  user: string;
  repo: string;
  files: FakeFile[];
  /** Manifest tags (quantizations) → the path of the file they select. */
  tags: Record<string, string>;
}

export interface HubRequest {
  method: string;
  url: string;
  range: string | null;
  userAgent: string | null;
  authorization: string | null;
  status: number;
  bodyBytes: number;
}

export type HubMode = "normal" | "silent" | "error503";

export interface FakeHub {
  /** The endpoint with a trailing slash, as `hubEndpoint` expects it. */
  readonly url: string;
  readonly port: number;
  readonly requests: HubRequest[];
  /** Body bytes sent for `resolve` requests since the start or the last `resetCounters()`. */
  bytesServed(): number;
  resetCounters(): void;
  /** Bytes per second for file bodies (0 = as fast as possible). */
  setThrottle(bytesPerSecond: number): void;
  setMode(mode: HubMode): void;
  sha256Of(path: string): string;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

export async function startFakeHub(repos: FakeRepo[]): Promise<FakeHub> {
  const realHashes = new Map<string, string>();
  const hashOf = (source: string) => {
    let hash = realHashes.get(source);
    if (!hash) {
      hash = sha256File(source);
      realHashes.set(source, hash);
    }
    return hash;
  };
  const requests: HubRequest[] = [];
  let bytesServed = 0;
  let throttle = 0;
  let mode: HubMode = "normal";
  const sockets = new Set<Socket>();

  const findRepo = (user: string, repo: string) => repos.find((r) => r.user === user && r.repo === repo);

  const sizeOf = (file: FakeFile) => (file.source ? statSync(file.source).size : (file.virtualSize ?? 0));
  const shaOf = (file: FakeFile) => file.publishedSha256 ?? hashOf(file.source as string);

  /** `/v2/USER/REPO/manifests/TAG`: the file the tag selects (tags compared case-insensitively). */
  function manifest(parts: string[]): [number, unknown] {
    const repo = findRepo(parts[1] as string, parts[2] as string);
    const tag = (parts[4] as string).toLowerCase();
    const path = repo
      ? Object.entries(repo.tags).find(([name]) => name.toLowerCase() === tag)?.[1]
      : undefined;
    const file = path ? repo?.files.find((f) => f.path === path) : undefined;
    if (!file) return [404, { error: "Repository or tag not found" }];
    return [200, { ggufFile: { rfilename: file.path, size: file.publishedSize ?? sizeOf(file) } }];
  }

  /** `/api/models/USER/REPO/tree/BRANCH[/DIR]`: the files of one directory with their LFS hashes. */
  function tree(parts: string[]): [number, unknown] {
    const repo = findRepo(parts[2] as string, parts[3] as string);
    if (!repo) return [404, { error: "Repository not found" }];
    const dir = parts.slice(6).join("/");
    const inDir = repo.files.filter((f) => {
      const slash = f.path.lastIndexOf("/");
      return (slash < 0 ? "" : f.path.slice(0, slash)) === dir;
    });
    return [
      200,
      inDir.map((f) => {
        const size = f.publishedSize ?? sizeOf(f);
        const sha = shaOf(f);
        return {
          type: "file",
          oid: sha.slice(0, 40),
          size,
          path: f.path,
          lfs: { oid: sha, size, pointerSize: 134 },
        };
      }),
    ];
  }

  const server = createServer((req, res) => {
    const record: HubRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      range: req.headers.range ?? null,
      userAgent: req.headers["user-agent"] ?? null,
      authorization: req.headers.authorization ?? null,
      status: 0,
      bodyBytes: 0,
    };
    requests.push(record);
    if (mode === "silent") return; // the connection stays open and nothing is ever answered
    const parts = new URL(req.url ?? "/", "http://127.0.0.1").pathname
      .split("/")
      .slice(1)
      .map(decodeURIComponent);
    const json = ([status, body]: [number, unknown]) => {
      record.status = status;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (parts[0] === "v2" && parts[3] === "manifests" && parts.length === 5) return json(manifest(parts));
    if (parts[0] === "api" && parts[1] === "models" && parts[4] === "tree" && parts.length >= 6) {
      return json(tree(parts));
    }
    if (parts[2] === "resolve" && parts.length >= 5) {
      const repo = findRepo(parts[0] as string, parts[1] as string);
      const file = repo?.files.find((f) => f.path === parts.slice(4).join("/"));
      if (!file) return json([404, { error: "Entry not found" }]);
      if (mode === "error503") return json([503, { error: "Service unavailable" }]);
      return serveFile(req, res, file, record);
    }
    json([404, { error: "not found" }]);
  });

  function serveFile(req: IncomingMessage, res: ServerResponse, file: FakeFile, record: HubRequest) {
    const size = sizeOf(file);
    const headers: Record<string, string | number> = {
      "accept-ranges": "bytes",
      "content-type": "application/octet-stream",
      "x-linked-size": size,
      "x-linked-etag": `"${shaOf(file)}"`,
    };
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end || start >= size) {
        record.status = 416;
        res.writeHead(416, { "content-range": `bytes */${size}` });
        return res.end();
      }
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${size}`;
    }
    headers["content-length"] = end - start + 1;
    record.status = status;
    res.writeHead(status, headers);
    if (req.method === "HEAD") return res.end();
    void pump(file, start, end, res, record);
  }

  /** The throttle is shared by every response: the next free moment on one imaginary wire. */
  let wireFreeAt = 0;
  function reserve(bytes: number): number {
    if (throttle <= 0) return 0;
    const now = Date.now();
    wireFreeAt = Math.max(now, wireFreeAt) + (bytes / throttle) * 1000;
    return wireFreeAt - now;
  }

  /** Sends the byte range, honouring backpressure and the throttle, counting what was written. */
  async function pump(file: FakeFile, start: number, end: number, res: ServerResponse, record: HubRequest) {
    const stream = file.source
      ? createReadStream(file.source, { start, end, highWaterMark: CHUNK })
      : Readable.from(zeros(end - start + 1));
    const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
    try {
      for await (const chunk of stream) {
        if (res.destroyed) break;
        const buffer = chunk as Buffer;
        const flushed = res.write(buffer);
        record.bodyBytes += buffer.length;
        bytesServed += buffer.length;
        if (!flushed) await Promise.race([once(res, "drain"), closed]);
        const wait = reserve(buffer.length);
        if (wait > 0) await Promise.race([sleep(wait), closed]);
      }
      if (!res.destroyed) res.end();
    } catch {
      res.destroy();
    } finally {
      stream.destroy();
    }
  }

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    bytesServed: () => bytesServed,
    resetCounters() {
      bytesServed = 0;
      requests.length = 0;
    },
    setThrottle(bytesPerSecond) {
      throttle = bytesPerSecond;
    },
    setMode(next) {
      mode = next;
    },
    sha256Of: (path) => hashOf(path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function* zeros(length: number): Generator<Buffer> {
  const chunk = Buffer.alloc(CHUNK);
  for (let left = length; left > 0; left -= CHUNK) yield left >= CHUNK ? chunk : chunk.subarray(0, left);
}

export function sha256File(path: string): string {
  // Tests use files of a few MiB; reading them whole keeps the helper synchronous.
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

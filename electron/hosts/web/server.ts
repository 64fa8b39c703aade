/**
 * The web host: the built renderer and the same API as the Electron IPC, on 127.0.0.1 only.
 * - POST /api/call/<method> with a JSON body -> the error envelope as JSON;
 * - GET /api/events -> server-sent events (`event: <name>`, `data: <json>`);
 * every /api request must carry `Authorization: Bearer <token>` (a random token per launch), and
 * requests for another host name or from another origin are refused (DNS rebinding, CSRF).
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { EventTypes } from "../../../shared/api/contract";
import { type AnyListener, createFanOut } from "../../../shared/api/fanOut";
import { type ApiError, MasqueError, toApiError } from "../../../shared/errors";
import { CONTENT_SECURITY_POLICY } from "../../../shared/security/csp";
import type { Core } from "../../services/coreTypes";
import { isWritable } from "../../storage/dataDir";
import { storageReadOnly, translateStorageError } from "../../storage/storageErrors";
import { httpStatusFor } from "./httpStatus";

export interface WebHostOptions {
  core: Core;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  token: string;
  port?: number;
}

export interface WebHost {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
const KEEP_ALIVE_MS = 15_000;

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const clients = createEventClients(options.core);
  const server = createServer((req, res) => {
    handle(req, res, options, clients, actualPort()).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, { code: "INTERNAL", message: (error as Error).message });
      else res.destroy();
    });
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const actualPort = () => (server.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = actualPort();
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: WebHostOptions,
  clients: EventClients,
  port: number,
) {
  setSecurityHeaders(res);
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (!isAllowedHost(req.headers.host, port)) {
    return sendError(res, { code: "UNAUTHORIZED", message: "unknown host name" }, 403);
  }
  if (url.pathname.startsWith("/api/")) {
    const origin = req.headers.origin;
    if (origin !== undefined && !isAllowedOrigin(origin, port)) {
      return sendError(res, { code: "UNAUTHORIZED", message: "cross-origin requests are refused" }, 403);
    }
    if (!hasToken(req, options.token)) {
      return sendError(res, {
        code: "UNAUTHORIZED",
        message: "missing or wrong token: open the URL printed by `npm run web`",
      });
    }
    if (url.pathname === "/api/events" && req.method === "GET") return streamEvents(req, res, clients);
    if (url.pathname === "/api/upload" && req.method === "POST") return receiveUpload(req, res, options.core);
    const call = /^\/api\/call\/([A-Za-z.]+)$/.exec(url.pathname);
    if (call?.[1] && req.method === "POST") return callMethod(req, res, options.core, call[1]);
    return sendError(res, { code: "NOT_FOUND", message: `no API route ${req.method} ${url.pathname}` });
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return sendError(res, { code: "NOT_FOUND", message: `no route ${req.method} ${url.pathname}` });
  }
  return serveStatic(req, res, options.staticDir, url.pathname);
}

async function callMethod(req: IncomingMessage, res: ServerResponse, core: Core, method: string) {
  let input: unknown;
  try {
    const body = await readBody(req);
    input = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch (error) {
    const tooLarge = (error as Error).message === "too large";
    return sendError(res, {
      code: "INVALID_INPUT",
      message: tooLarge
        ? `request body is larger than ${MAX_BODY_BYTES} bytes`
        : "request body is not valid JSON",
    });
  }
  const result = await core.dispatch(method, input);
  sendJson(res, result.ok ? 200 : httpStatusFor(result.error.code), result);
}

/** Stores a file the browser sends (raw body) for a later `import.start {uploadId}`. */
async function receiveUpload(req: IncomingMessage, res: ServerResponse, core: Core) {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_UPLOAD_BYTES) {
    return sendError(
      res,
      { code: "INVALID_INPUT", message: `the file is larger than ${MAX_UPLOAD_BYTES} bytes` },
      413,
    );
  }
  try {
    await mkdir(core.uploadsDir, { recursive: true });
  } catch (error) {
    // On a read-only mount a recursive mkdir reports ENOENT, so ask the directory itself.
    const cause = isWritable(core.dataDir)
      ? translateStorageError(error, core.dataDir)
      : storageReadOnly(core.dataDir);
    return sendError(res, toApiError(cause));
  }
  const uploadId = randomUUID();
  const path = join(core.uploadsDir, `${uploadId}.upload`);
  let received = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(received > MAX_UPLOAD_BYTES ? new Error("too large") : null, chunk);
    },
  });
  try {
    await pipeline(req, limiter, createWriteStream(path, { flags: "wx" }));
  } catch (error) {
    await rm(path, { force: true });
    // A full disk or a read-only data directory is the storage's fault, not the file's.
    const storage = translateStorageError(error, core.dataDir);
    if (storage instanceof MasqueError) return sendError(res, storage.toApiError());
    const tooLarge = (error as Error).message === "too large";
    return sendError(res, {
      code: "INVALID_INPUT",
      message: tooLarge
        ? `the file is larger than ${MAX_UPLOAD_BYTES} bytes`
        : `upload failed: ${(error as Error).message}`,
    });
  }
  sendJson(res, 200, { ok: true, value: { uploadId, bytes: received } });
}

function streamEvents(req: IncomingMessage, res: ServerResponse, clients: EventClients) {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
  });
  res.write(": connected\n\n");
  const leave = clients.join((event, payload) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
  req.on("close", () => {
    clearInterval(keepAlive);
    leave();
  });
}

/** The open event streams: one subscription to the core while at least one client listens. */
interface EventClients {
  join(send: AnyListener<EventTypes>): () => void;
}

function createEventClients(core: Core): EventClients {
  const clients = createFanOut<EventTypes>((event, error) =>
    console.error(`web host: sending ${event} to a client failed:`, error),
  );
  let detach: (() => void) | null = null;
  return {
    join(send) {
      const leave = clients.onAny(send);
      detach ??= core.subscribe((event, payload) => clients.emit(event, payload));
      return () => {
        leave();
        if (clients.size === 0 && detach) {
          detach();
          detach = null;
        }
      };
    },
  };
}

async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string) {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, "");
  } catch {
    return sendError(res, { code: "INVALID_INPUT", message: "bad path" });
  }
  const candidate = join(root, relative);
  if (candidate !== root && !candidate.startsWith(root + sep)) {
    return sendError(res, { code: "NOT_FOUND", message: "not found" });
  }
  // Anything that is not a file is the single-page app.
  const file = (await openFile(candidate)) ?? (await openFile(join(root, "index.html")));
  if (!file) {
    return sendError(res, {
      code: "NOT_FOUND",
      message: "the renderer is not built: run npm run build:renderer",
    });
  }
  try {
    res.writeHead(200, {
      "Content-Type": MIME[extname(file.path)] ?? "application/octet-stream",
      "Content-Length": file.size,
      "Cache-Control": file.path.endsWith("index.html") ? "no-store" : "public, max-age=3600",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    // A send that fails (the client left, the file shrank or could not be read) rejects here and the
    // request handler drops the connection; it never becomes an unhandled stream error.
    const range = file.size > 0 ? { start: 0, end: file.size - 1 } : {};
    await pipeline(file.handle.createReadStream({ autoClose: false, ...range }), exactly(file.size), res);
  } finally {
    await file.handle.close();
  }
}

/**
 * Opens a regular file for serving, or null. The file is read through this handle, so one that is
 * renamed or deleted after the check is still sent whole (the open handle keeps its data).
 */
async function openFile(path: string): Promise<{ path: string; handle: FileHandle; size: number } | null> {
  // Non-blocking, so a FIFO among the files cannot hang the open; regular files are unaffected.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => null);
  if (!handle) return null;
  const info = await handle.stat().catch(() => null);
  if (!info?.isFile()) {
    await handle.close();
    return null;
  }
  return { path, handle, size: info.size };
}

/** Passes `size` bytes through and fails if the stream ends short (a file truncated mid-send). */
function exactly(size: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const room = Math.max(0, size - seen);
      seen += chunk.length;
      callback(null, chunk.length > room ? chunk.subarray(0, room) : chunk);
    },
    flush(callback) {
      callback(seen < size ? new Error(`the file shrank while being sent (${seen} of ${size} bytes)`) : null);
    },
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        reject(new Error("too large"));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function hasToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7) : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function isAllowedOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function setSecurityHeaders(res: ServerResponse) {
  res.setHeader("Content-Security-Policy", `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: ApiError, status = httpStatusFor(error.code)) {
  sendJson(res, status, { ok: false, error });
}

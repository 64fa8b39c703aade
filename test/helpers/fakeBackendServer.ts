/**
 * A loopback inference server for tests (127.0.0.1, a free port): speaks llama-server's native
 * dialect (/completion, /tokenize, /props) or the OpenAI one (/v1/completions, /v1/models; with
 * `koboldcpp` also /api/extra/version, /true_max_context_length and /abort). It records every
 * request, streams the reply in pieces, and fails on demand: an HTTP error with a message, a
 * stream cut in the middle, a malformed event, or silence (bounded) after some pieces.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: Record<string, unknown> | null;
}

export interface ReplyPlan {
  pieces: string[];
  /** Between pieces. */
  delayMs: number;
  /** How the reply ends when every piece was sent (llama-server stop_type / OpenAI finish_reason). */
  ending: "eos" | "limit" | "word";
  /** Answer the completion with this status and message instead. */
  fail?: { status: number; message: string };
  /** After this many pieces: close the connection without the final event. */
  cutAfter?: number;
  /** After this many pieces: send an event that is not JSON. */
  malformedAfter?: number;
  /** After this many pieces: send nothing more (for at most `stallMs`, then close). */
  stallAfter?: number;
  stallMs?: number;
}

export interface FakeBackendOptions {
  dialect: "llama-server" | "openai";
  koboldcpp?: boolean;
  /** TabbyAPI: /v1/models lists every model in its folder, /v1/model is the loaded one. */
  tabby?: { loaded: string; folder: string[] };
  model?: string;
  contextSize?: number;
  chatTemplate?: string;
  /** Require `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface FakeBackend {
  url: string;
  requests: RecordedRequest[];
  /** Bodies of the completion requests, in order. */
  completions(): Record<string, unknown>[];
  plan: ReplyPlan;
  /** Completions whose client went away before the reply ended. */
  disconnects: number;
  /** KoboldCpp abort calls. */
  aborts: number;
  close(): Promise<void>;
}

/** The fake tokenizer: words, punctuation and runs of spaces count one token each (+1 BOS with add_special). */
export function fakeTokenCount(text: string, addSpecial: boolean): number {
  return (text.match(/\w+|[^\w\s]|\s+/g)?.length ?? 0) + (addSpecial ? 1 : 0);
}

export async function startFakeBackend(options: FakeBackendOptions): Promise<FakeBackend> {
  const model = options.model ?? "fake-model";
  const contextSize = options.contextSize ?? 2048;
  const state: FakeBackend = {
    url: "",
    requests: [],
    completions: () =>
      state.requests
        .filter((r) => r.path === "/completion" || r.path === "/v1/completions")
        .map((r) => r.body ?? {}),
    plan: { pieces: ["Hello", " there", "."], delayMs: 5, ending: "eos" },
    disconnects: 0,
    aborts: 0,
    close: async () => {},
  };
  const sockets = new Set<import("node:net").Socket>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => {
      if (!res.headersSent) json(res, 500, { error: { message: error.message } });
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  type Route = (res: ServerResponse, body: Record<string, unknown> | null, req: IncomingMessage) => unknown;

  const llamaServerRoutes: Record<string, Route> = {
    "GET /props": (res) =>
      json(res, 200, {
        default_generation_settings: { n_ctx: contextSize },
        model_path: `/models/${model}`,
        ...(options.chatTemplate ? { chat_template: options.chatTemplate } : {}),
      }),
    "POST /tokenize": (res, body) => {
      const count = fakeTokenCount(String(body?.content ?? ""), body?.add_special === true);
      json(res, 200, { tokens: Array.from({ length: count }, (_, i) => i + 1) });
    },
    "POST /completion": (res, body, req) => stream(req, res, "llama-server", body),
  };

  const openaiRoutes: Record<string, Route> = {
    "GET /v1/models": (res) =>
      json(res, 200, {
        object: "list",
        data: [
          {
            id: model,
            object: "model",
            owned_by: options.koboldcpp ? "koboldcpp" : "fake",
            ...(options.koboldcpp ? {} : { max_model_len: contextSize }),
          },
        ],
      }),
    "POST /v1/completions": (res, body, req) =>
      body?.model !== undefined && body.model !== model
        ? json(res, 404, { error: { message: `The model \`${String(body.model)}\` does not exist.` } })
        : stream(req, res, "openai", body),
  };

  const koboldRoutes: Record<string, Route> = {
    "GET /api/extra/version": (res) => json(res, 200, { result: "KoboldCpp", version: "1.80" }),
    "GET /api/extra/true_max_context_length": (res) => json(res, 200, { value: contextSize }),
    "POST /api/extra/abort": (res) => {
      state.aborts++;
      json(res, 200, { success: "true" });
    },
  };

  const tabby = options.tabby;
  const tabbyRoutes: Record<string, Route> = tabby
    ? {
        "GET /v1/model": (res) =>
          json(res, 200, { id: tabby.loaded, parameters: { max_seq_len: contextSize, rope_scale: 1 } }),
        "GET /v1/models": (res) =>
          json(res, 200, { object: "list", data: tabby.folder.map((id) => ({ id, object: "model" })) }),
      }
    : {};

  const routes: Record<string, Route> =
    options.dialect === "llama-server"
      ? llamaServerRoutes
      : { ...openaiRoutes, ...(options.koboldcpp ? koboldRoutes : {}), ...tabbyRoutes };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    state.requests.push({
      method: req.method ?? "",
      path,
      authorization: req.headers.authorization ?? null,
      body,
    });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return json(res, 401, { error: { message: "Invalid API Key", type: "authentication_error" } });
    }
    const route = routes[`${req.method} ${path}`];
    if (route) await route(res, body, req);
    else json(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  /** Misbehaves before piece `i` if the plan says so; returns true when the stream is over. */
  async function misbehave(i: number, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const plan = state.plan;
    if (plan.cutAfter === i) {
      req.socket.destroy();
      return true;
    }
    if (plan.malformedAfter === i) {
      res.write("data: {not json\n\n");
      res.end();
      return true;
    }
    if (plan.stallAfter === i) {
      await sleep(plan.stallMs ?? 2000);
      req.socket.destroy();
      return true;
    }
    return false;
  }

  async function stream(
    req: IncomingMessage,
    res: ServerResponse,
    dialect: "llama-server" | "openai",
    body: Record<string, unknown> | null,
  ) {
    const plan = state.plan;
    if (plan.fail) {
      return json(res, plan.fail.status, { error: { code: plan.fail.status, message: plan.fail.message } });
    }
    let gone = false;
    res.on("close", () => {
      if (!res.writableFinished) {
        gone = true;
        state.disconnects++;
      }
    });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (data: unknown) =>
      res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
    const piece = (text: string) =>
      dialect === "llama-server"
        ? send({ content: text, stop: false })
        : send({
            id: "cmpl-1",
            object: "text_completion",
            choices: [{ index: 0, text, logprobs: null, finish_reason: null }],
          });
    for (let i = 0; i < plan.pieces.length && !gone; i++) {
      if (await misbehave(i, req, res)) return;
      piece(plan.pieces[i] as string);
      await sleep(plan.delayMs);
    }
    if (gone) return;
    const promptTokens = fakeTokenCount(String(body?.prompt ?? ""), true);
    if (dialect === "llama-server") {
      send({
        content: "",
        stop: true,
        stop_type: plan.ending,
        tokens_predicted: plan.pieces.length,
        tokens_evaluated: promptTokens,
        timings: { prompt_n: promptTokens, predicted_n: plan.pieces.length },
      });
    } else {
      send({
        id: "cmpl-1",
        object: "text_completion",
        choices: [
          { index: 0, text: "", logprobs: null, finish_reason: plan.ending === "limit" ? "length" : "stop" },
        ],
        usage: { prompt_tokens: promptTokens, completion_tokens: plan.pieces.length },
      });
      send("[DONE]");
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

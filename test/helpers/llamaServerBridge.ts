/**
 * The real local engine (node-llama-cpp) behind a small loopback server that speaks llama-server's
 * native dialect: POST /completion (streaming SSE, the final event with stop_type and counts),
 * POST /tokenize, GET /props. Remote chats against it produce real model text end to end.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";
import type { SamplerSettings } from "../../electron/services/engine/engine";
import { LlamaEngine } from "../../electron/services/engine/llamaEngine";

export interface LlamaServerBridge {
  url: string;
  engine: LlamaEngine;
  /** Bodies of the /completion requests, in order. */
  completions: Record<string, unknown>[];
  close(): Promise<void>;
}

const STOP_TYPES = { eos: "eos", "stop-string": "word", "max-tokens": "limit" } as Record<string, string>;

export async function startLlamaServerBridge(
  modelPath: string,
  contextSize: number,
): Promise<LlamaServerBridge> {
  const engine = new LlamaEngine({ gpu: false, log: () => {} });
  await engine.load(modelPath, { threads: 1, contextSize });
  const completions: Record<string, unknown>[] = [];
  let requests = 0;

  const server = createServer((req, res) => {
    void route(req, res).catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else send(res, 500, { error: { code: 500, message: error.message } });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const where = `${req.method} ${req.url}`;
    if (where === "GET /props") {
      return send(res, 200, { default_generation_settings: { n_ctx: contextSize }, model_path: modelPath });
    }
    if (where === "POST /tokenize") {
      const text = String(body.content ?? "");
      const count =
        body.add_special === true
          ? engine.countPromptTokens([{ text, special: false }])
          : engine.countTokens(text);
      return send(res, 200, { tokens: Array.from({ length: count }, (_, i) => i) });
    }
    if (where === "POST /completion") return complete(body, res);
    send(res, 404, { error: { code: 404, message: `no route ${where}` } });
  }

  async function complete(body: Record<string, unknown>, res: ServerResponse) {
    completions.push(body);
    const closed = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) closed.abort();
    });
    res.writeHead(200, { "content-type": "text/event-stream" });
    const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const seed = Number(body.seed ?? -1);
    const result = await engine.generate({
      // One session per request: the bridge does not model llama-server's slots.
      sessionKey: `bridge-${++requests}`,
      prompt: [{ text: String(body.prompt ?? ""), special: false }],
      stopStrings: Array.isArray(body.stop) ? body.stop.map(String) : [],
      stopMarkers: [],
      maxTokens: Number(body.n_predict ?? 128),
      sampler: samplerFrom(body),
      seed: seed < 0 ? null : seed,
      signal: closed.signal,
      onText: (text) => event({ content: text, stop: false }),
    });
    await engine.releaseSession(`bridge-${requests}`);
    if (closed.signal.aborted) return;
    event({
      content: "",
      stop: true,
      stop_type: STOP_TYPES[result.stopReason] ?? "none",
      tokens_predicted: result.stats.generatedTokens,
      tokens_evaluated: result.stats.promptTokens,
      timings: { prompt_n: result.stats.evaluatedTokens, predicted_n: result.stats.generatedTokens },
    });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    engine,
    completions,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.dispose();
    },
  };
}

export const bridgeModelName = (path: string) => basename(path);

function samplerFrom(body: Record<string, unknown>): SamplerSettings {
  const n = (key: string, fallback: number) =>
    typeof body[key] === "number" ? (body[key] as number) : fallback;
  return {
    temperature: n("temperature", 0.8),
    topP: n("top_p", 0.95),
    topK: n("top_k", 40),
    minP: n("min_p", 0.05),
    repeatPenalty: n("repeat_penalty", 1),
    repeatLastN: n("repeat_last_n", 64),
    frequencyPenalty: n("frequency_penalty", 0),
    presencePenalty: n("presence_penalty", 0),
    dryMultiplier: n("dry_multiplier", 0),
    dryBase: n("dry_base", 1.75),
    dryAllowedLength: n("dry_allowed_length", 2),
    xtcProbability: n("xtc_probability", 0),
    xtcThreshold: n("xtc_threshold", 0.1),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

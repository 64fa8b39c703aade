/**
 * llama.cpp's llama-server, native endpoints: POST /completion (SSE `data: {content, stop}`; the
 * last event has `stop: true`, `stop_type` and the token counts; no [DONE]), POST /tokenize,
 * GET /props (context size, model, chat template).
 */
import type { StopReason } from "../../../../shared/domain/chat";
import { asRecord, type Dialect, optionalNumber, type StreamStep } from "./dialect";
import { backendError, requestJson } from "./http";
import { mapSamplers } from "./samplers";

const STOP_TYPES: Record<string, StopReason> = { eos: "eos", word: "stop-string", limit: "max-tokens" };

export const llamaServerDialect: Dialect = {
  kind: "llama-server",
  completionPath: "/completion",

  async describe(target, model, timeoutMs) {
    const props = asProps(await requestJson(target, "/props", { method: "GET", timeoutMs }), target);
    const settings = props.default_generation_settings as Record<string, unknown> | undefined;
    const path = typeof props.model_path === "string" ? props.model_path : null;
    const alias = typeof props.model_alias === "string" ? props.model_alias : null;
    return {
      model: model ?? alias ?? (path ? (path.split(/[\\/]/).pop() ?? path) : null),
      contextSize: optionalNumber(settings?.n_ctx) ?? optionalNumber(props.n_ctx) ?? null,
      chatTemplate: typeof props.chat_template === "string" ? props.chat_template : null,
      abortPath: null,
      tokenizes: true,
    };
  },

  completionBody(input) {
    return {
      prompt: input.prompt,
      n_predict: input.maxTokens,
      stream: true,
      // Reuse the server's KV cache for the prompt's unchanged prefix (it is on by default, say so).
      cache_prompt: true,
      stop: input.stop,
      seed: input.seed ?? -1,
      ...mapSamplers("llama-server", input.sampler).fields,
      ...(input.model ? { model: input.model } : {}),
    };
  },

  parse(data): StreamStep {
    const event = asRecord(JSON.parse(data) as unknown, "a stream event");
    const text = typeof event.content === "string" ? event.content : "";
    if (event.stop !== true) return { text, end: null };
    const timings = (event.timings ?? {}) as Record<string, unknown>;
    const promptTokens = optionalNumber(event.tokens_evaluated);
    const evaluated = optionalNumber(timings.prompt_n);
    const cached =
      optionalNumber(timings.cache_n) ??
      (promptTokens !== undefined && evaluated !== undefined ? promptTokens - evaluated : undefined);
    return {
      text,
      end: {
        stopReason: STOP_TYPES[String(event.stop_type)] ?? (event.stopped_limit ? "max-tokens" : "eos"),
        ...(promptTokens === undefined ? {} : { promptTokens }),
        ...(cached === undefined ? {} : { cachedTokens: cached }),
        ...(optionalNumber(event.tokens_predicted) === undefined
          ? {}
          : { generatedTokens: optionalNumber(event.tokens_predicted) }),
      },
    };
  },

  async countTokens(target, text, addSpecial, timeoutMs) {
    const answer = await requestJson(target, "/tokenize", {
      method: "POST",
      body: { content: text, add_special: addSpecial },
      timeoutMs,
    });
    const tokens = (answer as { tokens?: unknown }).tokens;
    if (!Array.isArray(tokens)) throw backendError(target, "POST /tokenize answered without a tokens list");
    return tokens.length;
  },
};

function asProps(value: unknown, target: Parameters<typeof backendError>[0]): Record<string, unknown> {
  try {
    return asRecord(value, "GET /props");
  } catch (error) {
    throw backendError(target, (error as Error).message);
  }
}

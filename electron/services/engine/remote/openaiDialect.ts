/**
 * OpenAI-compatible text completions (vLLM, TabbyAPI, KoboldCpp, Ollama, llama-server's /v1):
 * POST /v1/completions (SSE `data: {choices:[{text, finish_reason}]}` then `data: [DONE]`),
 * GET /v1/models. KoboldCpp is recognised by GET /api/extra/version: it keeps generating after the
 * client hangs up unless told to stop (POST /api/extra/abort) and reports its context size apart.
 */
import type { StopReason } from "../../../../shared/domain/chat";
import { asRecord, type Dialect, optionalNumber, type ServerDescription } from "./dialect";
import { backendError, type RemoteTarget, requestJson } from "./http";
import { mapSamplers } from "./samplers";

const FINISH: Record<string, StopReason> = { stop: "eos", length: "max-tokens" };

export const openaiDialect: Dialect = {
  kind: "openai",
  completionPath: "/v1/completions",

  async describe(target, model, timeoutMs): Promise<ServerDescription> {
    const tabby = await tabbyModel(target, timeoutMs);
    if (tabby && (!model || model === tabby.id)) {
      return {
        model: tabby.id,
        contextSize: tabby.contextSize,
        chatTemplate: null,
        abortPath: null,
        tokenizes: false,
      };
    }
    const listing = await requestJson(target, "/v1/models", { method: "GET", timeoutMs });
    const data = (listing as { data?: unknown }).data;
    if (!Array.isArray(data)) throw backendError(target, "GET /v1/models answered without a data list");
    const models = data.filter((m): m is Record<string, unknown> => typeof m === "object" && m !== null);
    const ids = models.map((m) => String(m.id));
    const chosen = model ? models.find((m) => m.id === model) : models[0];
    if (model && !chosen) {
      throw backendError(
        target,
        `the server does not serve model "${model}" (it serves: ${ids.join(", ") || "nothing"})`,
      );
    }
    const meta = (chosen?.meta ?? {}) as Record<string, unknown>;
    let contextSize =
      optionalNumber(chosen?.max_model_len) ??
      optionalNumber(chosen?.context_length) ??
      optionalNumber(meta.n_ctx) ??
      optionalNumber(meta.n_ctx_train) ??
      null;
    const kobold = await koboldContext(target, timeoutMs);
    if (kobold !== undefined) contextSize = kobold ?? contextSize;
    return {
      model: model ?? (chosen ? String(chosen.id) : null),
      contextSize,
      chatTemplate: null,
      abortPath: kobold === undefined ? null : "/api/extra/abort",
      tokenizes: false,
    };
  },

  completionBody(input) {
    return {
      ...(input.model ? { model: input.model } : {}),
      prompt: input.prompt,
      max_tokens: input.maxTokens,
      stream: true,
      stop: input.stop,
      ...(input.seed === null ? {} : { seed: input.seed }),
      ...mapSamplers("openai", input.sampler).fields,
    };
  },

  parse(data) {
    if (data.trim() === "[DONE]") return { text: "", end: { stopReason: "eos" } };
    const event = asRecord(JSON.parse(data) as unknown, "a stream event");
    if (event.error !== undefined) {
      const error = event.error as { message?: unknown } | string;
      throw new Error(
        `the server reported an error: ${typeof error === "string" ? error : String(error.message)}`,
      );
    }
    const choices = event.choices;
    if (!Array.isArray(choices)) throw new Error("a stream event has no choices list");
    const choice = asRecord(choices[0] ?? {}, "choices[0]");
    const text = typeof choice.text === "string" ? choice.text : "";
    const finish = choice.finish_reason;
    if (typeof finish !== "string") return { text, end: null };
    const usage = (event.usage ?? {}) as Record<string, unknown>;
    const promptTokens = optionalNumber(usage.prompt_tokens);
    const generatedTokens = optionalNumber(usage.completion_tokens);
    return {
      text,
      end: {
        stopReason: FINISH[finish] ?? "eos",
        ...(promptTokens === undefined ? {} : { promptTokens }),
        ...(generatedTokens === undefined ? {} : { generatedTokens }),
      },
    };
  },
};

/**
 * TabbyAPI lists every model in its folder under /v1/models; the loaded one is GET /v1/model
 * (with its max_seq_len). Undefined for other servers.
 */
async function tabbyModel(
  target: RemoteTarget,
  timeoutMs: number,
): Promise<{ id: string; contextSize: number | null } | undefined> {
  try {
    const answer = (await requestJson(target, "/v1/model", { method: "GET", timeoutMs })) as Record<
      string,
      unknown
    >;
    const parameters = (answer.parameters ?? {}) as Record<string, unknown>;
    if (typeof answer.id !== "string" || typeof answer.parameters !== "object") return undefined;
    return { id: answer.id, contextSize: optionalNumber(parameters.max_seq_len) ?? null };
  } catch {
    return undefined;
  }
}

/** KoboldCpp's context size (null if it did not say); undefined when the server is not KoboldCpp. */
async function koboldContext(target: RemoteTarget, timeoutMs: number): Promise<number | null | undefined> {
  try {
    const version = await requestJson(target, "/api/extra/version", { method: "GET", timeoutMs });
    if ((version as { result?: unknown }).result !== "KoboldCpp") return undefined;
  } catch {
    return undefined;
  }
  try {
    const answer = await requestJson(target, "/api/extra/true_max_context_length", {
      method: "GET",
      timeoutMs,
    });
    return optionalNumber((answer as { value?: unknown }).value) ?? null;
  } catch {
    return null;
  }
}

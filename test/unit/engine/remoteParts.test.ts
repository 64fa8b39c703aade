import { describe, expect, it } from "vitest";
import type { SamplerSettings } from "../../../electron/services/engine/engine";
import { serverMessage } from "../../../electron/services/engine/remote/http";
import { llamaServerDialect } from "../../../electron/services/engine/remote/llamaServerDialect";
import { openaiDialect } from "../../../electron/services/engine/remote/openaiDialect";
import { mapSamplers } from "../../../electron/services/engine/remote/samplers";
import { readSse } from "../../../electron/services/engine/remote/sse";
import { estimateTokens, RemoteTokenCounts } from "../../../electron/services/engine/remote/tokenCounts";
import { urlProblem } from "../../../shared/domain/backend";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function collect(...parts: string[]) {
  const out: { event: string | null; data: string }[] = [];
  for await (const e of readSse(chunks(...parts))) out.push(e);
  return out;
}

describe("SSE reader", () => {
  it("joins events split anywhere across chunks, CRLF or LF, skipping comments", async () => {
    expect(
      await collect(
        'data: {"a"',
        ":1}\r\n\r\n: keep-alive\n\nevent: message\ndata: x\ndata: y\n\n",
        "data: [DONE]",
      ),
    ).toEqual([
      { event: null, data: '{"a":1}' },
      { event: "message", data: "x\ny" },
      { event: null, data: "[DONE]" },
    ]);
  });

  it("keeps a multi-byte character split between chunks", async () => {
    const bytes = new TextEncoder().encode('data: {"content":"é"}\n\n');
    const out: string[] = [];
    async function* split() {
      yield bytes.slice(0, 19);
      yield bytes.slice(19);
    }
    for await (const e of readSse(split())) out.push(e.data);
    expect(out).toEqual(['{"content":"é"}']);
  });
});

const SAMPLER: SamplerSettings = {
  temperature: 0.7,
  topP: 0.9,
  topK: 40,
  minP: 0.1,
  repeatPenalty: 1.1,
  repeatLastN: 128,
  frequencyPenalty: 0.2,
  presencePenalty: 0.3,
  dryMultiplier: 0.8,
  dryBase: 1.75,
  dryAllowedLength: 2,
  xtcProbability: 0.5,
  xtcThreshold: 0.1,
};

describe("sampler mapping", () => {
  it("llama-server takes every sampler under its own name", () => {
    const { fields, ignored } = mapSamplers("llama-server", SAMPLER);
    expect(ignored).toEqual([]);
    expect(fields).toEqual({
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      min_p: 0.1,
      repeat_penalty: 1.1,
      repeat_last_n: 128,
      frequency_penalty: 0.2,
      presence_penalty: 0.3,
      dry_multiplier: 0.8,
      dry_base: 1.75,
      dry_allowed_length: 2,
      xtc_probability: 0.5,
      xtc_threshold: 0.1,
    });
  });

  it("OpenAI kinds get the common set and report DRY, XTC and the penalty window as ignored", () => {
    const { fields, ignored } = mapSamplers("openai", SAMPLER);
    expect(fields).toEqual({
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      min_p: 0.1,
      repetition_penalty: 1.1,
      frequency_penalty: 0.2,
      presence_penalty: 0.3,
    });
    expect(ignored).toEqual([
      "repeatLastN",
      "dryMultiplier",
      "dryBase",
      "dryAllowedLength",
      "xtcProbability",
      "xtcThreshold",
    ]);
  });
});

describe("stream dialects", () => {
  it("reads llama-server's final event: stop type and counts", () => {
    expect(llamaServerDialect.parse('{"content":"hi","stop":false}')).toEqual({ text: "hi", end: null });
    expect(
      llamaServerDialect.parse(
        '{"content":"","stop":true,"stop_type":"limit","tokens_predicted":9,"tokens_evaluated":30,"timings":{"prompt_n":4}}',
      ),
    ).toEqual({
      text: "",
      end: { stopReason: "max-tokens", promptTokens: 30, cachedTokens: 26, generatedTokens: 9 },
    });
    expect(llamaServerDialect.parse('{"content":"","stop":true,"stop_type":"word"}').end?.stopReason).toBe(
      "stop-string",
    );
  });

  it("reads OpenAI chunks, finish reasons and [DONE]; names errors and malformed events", () => {
    expect(openaiDialect.parse('{"choices":[{"text":"a","finish_reason":null}]}')).toEqual({
      text: "a",
      end: null,
    });
    expect(openaiDialect.parse('{"choices":[{"text":"","finish_reason":"length"}]}').end?.stopReason).toBe(
      "max-tokens",
    );
    expect(openaiDialect.parse("[DONE]").end).toEqual({ stopReason: "eos" });
    expect(() => openaiDialect.parse('{"error":{"message":"boom"}}')).toThrow("boom");
    expect(() => openaiDialect.parse('{"id":1}')).toThrow("no choices");
    expect(() => openaiDialect.parse("{nope")).toThrow();
  });

  it("finds the server's own message in error bodies", () => {
    expect(serverMessage('{"error":{"code":500,"message":"out of memory"}}')).toBe("out of memory");
    expect(serverMessage('{"detail":"Model not loaded"}')).toBe("Model not loaded");
    expect(serverMessage("Bad Gateway")).toBe("Bad Gateway");
    expect(serverMessage("x".repeat(400)).length).toBe(301);
  });
});

describe("URL rules", () => {
  it.each([
    ["https://api.example.org/v1", false, null],
    ["http://127.0.0.1:8080", false, null],
    ["http://[::1]:8080", false, null],
    ["http://localhost:5001", false, null],
    ["http://192.168.0.9:5000", false, "only allowed to loopback"],
    ["http://192.168.0.9:5000", true, null],
    ["http://10.1.2.3", true, null],
    ["http://172.20.0.1", true, null],
    ["http://172.40.0.1", true, "not 172.40.0.1"],
    ["http://gpu-box.local:8080", true, null],
    ["http://example.com", true, "not example.com"],
    ["file:///etc/passwd", false, "file: is not supported"],
    ["not a url", false, "is not a URL"],
  ])("%s (plain HTTP allowed: %s)", (url, allow, problem) => {
    const found = urlProblem(url, allow);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });
});

describe("remote token counts", () => {
  it("rehearses, fetches what was asked in one batch, then counts from the cache", async () => {
    const fetched: string[] = [];
    const counts = new RemoteTokenCounts(async (text, addSpecial) => {
      fetched.push(`${addSpecial ? "+" : ""}${text}`);
      return text.split(" ").length + (addSpecial ? 1 : 0);
    });
    const assemble = () => [counts.count("a b c", false), counts.count("a b c d", true)];
    expect(assemble()).toEqual([estimateTokens("a b c"), estimateTokens("a b c d") + 1]);
    await counts.prepare(() => void assemble());
    expect(assemble()).toEqual([3, 5]);
    expect(fetched.sort()).toEqual(["+a b c d", "a b c"]);
    await counts.prepare(() => void assemble());
    expect(fetched).toHaveLength(2);
  });

  it("keeps rehearsing while the exact counts lead the assembly to new texts", async () => {
    const counts = new RemoteTokenCounts(async (text) => (text === "long" ? 100 : 1));
    // An assembly that asks about "short" only once "long" turned out too big.
    const assemble = () => (counts.count("long", false) > 50 ? counts.count("short", false) : 0);
    await counts.prepare(() => void assemble());
    expect(assemble()).toBe(1);
  });

  it("without a server tokenizer, estimates and says so", async () => {
    const counts = new RemoteTokenCounts(null);
    await counts.prepare(() => void counts.count("hello", false));
    expect(counts.source).toBe("estimate");
    expect(counts.count("hello world!", false)).toBe(4);
  });
});

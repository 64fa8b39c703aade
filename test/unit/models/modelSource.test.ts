import { describe, expect, it } from "vitest";
import {
  looksLikeUri,
  normalizeEndpoint,
  parseModelSource,
} from "../../../electron/services/models/modelSource";

const HUB = "https://huggingface.co/";

describe("model download sources", () => {
  it.each([
    ["hf:bartowski/Llama-3.2-1B-Instruct-GGUF:q4_k_m", "hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"],
    ["hf://user/repo:Q8_0", "hf:user/repo:Q8_0"],
    ["huggingface:user/repo:custom-tag", "hf:user/repo:custom-tag"],
    ["hf.co/user/repo:F16", "hf:user/repo:F16"],
  ])("reads the tag form %s (known quantizations upper-cased)", (input, uri) => {
    const source = parseModelSource(input, HUB);
    expect(source).toMatchObject({ kind: "hfTag", uri });
  });

  it("reads the file form with a branch and nested folders", () => {
    expect(parseModelSource("hf:user/repo/sub/dir/model-Q4.gguf#dev", HUB)).toEqual({
      kind: "hfFile",
      uri: "hf:user/repo/sub/dir/model-Q4.gguf#dev",
      file: { user: "user", repo: "repo", branch: "dev", filePath: "sub/dir/model-Q4.gguf" },
    });
    expect(parseModelSource("hf:user/repo/model.gguf", HUB)).toMatchObject({
      uri: "hf:user/repo/model.gguf",
      file: { branch: "main" },
    });
  });

  it("keeps the repository of a hub URL (blob rewritten to resolve) and accepts other URLs as they are", () => {
    const hubUrl = parseModelSource("https://huggingface.co/user/repo/blob/main/m.gguf", HUB);
    expect(hubUrl).toMatchObject({
      kind: "url",
      uri: "https://huggingface.co/user/repo/resolve/main/m.gguf",
      file: { user: "user", repo: "repo", branch: "main", filePath: "m.gguf" },
    });
    expect(parseModelSource("http://127.0.0.1:8080/files/model.gguf?x=1", HUB)).toMatchObject({
      kind: "url",
      file: null,
    });
    // A loopback hub is only the hub on its own port (node-llama-cpp compares host names only).
    const loopback = parseModelSource("http://127.0.0.1:9/a/b/resolve/main/c.gguf", "http://127.0.0.1:8/");
    expect(loopback).toMatchObject({ kind: "url", file: null });
  });

  it.each([
    ["hf:user/repo", /name the quantization/],
    ["hf:user", /repository name/],
    ["hf:/repo:Q4_K_M", /user or organisation/],
    ["hf:user/repo/../x.gguf", /file path is malformed/],
    ["hf:user/repo/model.bin", /must be a \.gguf file/],
    ["hf:user/repo:Q4#main", /#branch applies to a file path/],
    ["ftp://host/model.gguf", /use hf:user\/repo:QUANT/],
    ["https://example.com/model.bin", /must point at a \.gguf file/],
    ["https://user:pw@example.com/model.gguf", /credentials/],
    ["https://huggingface.co/user/repo", /name the quantization/],
    ["/home/me/model.gguf", /use hf:user\/repo:QUANT/],
  ])("refuses %s with INVALID_INPUT naming the problem", (input, reason) => {
    let error: { code?: string; message?: string } = {};
    try {
      parseModelSource(input, HUB);
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toMatch(reason);
  });

  it("tells URIs from paths and normalizes the endpoint", () => {
    expect(looksLikeUri("hf:user/repo:Q4_K_M")).toBe(true);
    expect(looksLikeUri("https://x/y.gguf")).toBe(true);
    expect(looksLikeUri("./models/y.gguf")).toBe(false);
    expect(normalizeEndpoint("http://127.0.0.1:5000")).toBe("http://127.0.0.1:5000/");
    expect(() => normalizeEndpoint("file:///etc")).toThrow(/http\(s\)/);
  });
});

/**
 * What a user may type to download a model, checked before anything touches the network:
 * `hf:user/repo:QUANT`, `hf:user/repo/path/file.gguf[#branch]` (also with the `hf://`,
 * `huggingface:`, `hf.co/` and `huggingface.co/` prefixes node-llama-cpp accepts) and http(s) URLs
 * of a .gguf file. A URL on the hub itself (`/user/repo/resolve|blob/branch/path.gguf`) keeps its
 * repository coordinates so its published hash can be looked up.
 */
import { ggufFileQuantNames } from "node-llama-cpp";
import { MasqueError } from "../../../shared/errors";

export interface HubFileRef {
  user: string;
  repo: string;
  branch: string;
  /** Path inside the repository. */
  filePath: string;
}

export type ModelSource =
  | { kind: "hfTag"; uri: string; user: string; repo: string; tag: string }
  | { kind: "hfFile"; uri: string; file: HubFileRef }
  | { kind: "url"; uri: string; url: URL; file: HubFileRef | null };

const HF_PREFIXES = ["hf://", "huggingface://", "hf:", "huggingface:", "hf.co/", "huggingface.co/"];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const QUANT_NAMES = new Set(ggufFileQuantNames.map((name) => name.toUpperCase()));

function invalid(input: string, reason: string): MasqueError {
  return new MasqueError("INVALID_INPUT", `${JSON.stringify(input)} is not a model URI: ${reason}`, {
    uri: input,
  });
}

/** True for anything that looks like a download source rather than a local path. */
export function looksLikeUri(input: string): boolean {
  const lower = input.toLowerCase();
  return HF_PREFIXES.some((p) => lower.startsWith(p)) || /^https?:\/\//i.test(input);
}

export function parseModelSource(input: string, hubEndpoint: string): ModelSource {
  const text = input.trim();
  const prefix = HF_PREFIXES.find((p) => text.toLowerCase().startsWith(p));
  if (prefix) return parseHfUri(text, text.slice(prefix.length));
  if (/^https?:\/\//i.test(text)) return parseUrl(text, hubEndpoint);
  throw invalid(text, "use hf:user/repo:QUANT, hf:user/repo/file.gguf or an http(s) URL of a .gguf file");
}

function parseHfUri(input: string, body: string): ModelSource {
  const [pathPart = "", branchPart, ...extraHash] = body.split("#");
  if (extraHash.length > 0) throw invalid(input, "more than one #branch");
  const segments = pathPart.split("/");
  const [user = "", repoAndTag = "", ...rest] = segments;
  if (!NAME.test(user)) throw invalid(input, "the user or organisation name is missing or malformed");
  if (rest.length === 0) {
    if (branchPart !== undefined) throw invalid(input, "#branch applies to a file path, not to a :QUANT tag");
    const [repo = "", tag, ...more] = repoAndTag.split(":");
    if (!NAME.test(repo)) throw invalid(input, "the repository name is missing or malformed");
    if (tag === undefined || tag === "") {
      throw invalid(input, `name the quantization, e.g. hf:${user}/${repo}:Q4_K_M`);
    }
    if (more.length > 0 || !TAG.test(tag))
      throw invalid(input, `the tag ${JSON.stringify(tag)} is malformed`);
    const normalized = QUANT_NAMES.has(tag.toUpperCase()) ? tag.toUpperCase() : tag;
    return { kind: "hfTag", uri: `hf:${user}/${repo}:${normalized}`, user, repo, tag: normalized };
  }
  const repo = repoAndTag;
  if (!NAME.test(repo)) throw invalid(input, "the repository name is missing or malformed");
  const filePath = rest.join("/");
  checkFilePath(input, filePath);
  const branch = branchPart ?? "main";
  if (branch === "" || /\s/.test(branch)) throw invalid(input, "the #branch is empty or malformed");
  return {
    kind: "hfFile",
    uri: `hf:${user}/${repo}/${filePath}${branch === "main" ? "" : `#${branch}`}`,
    file: { user, repo, branch, filePath },
  };
}

function checkFilePath(input: string, filePath: string): void {
  const parts = filePath.split("/");
  if (parts.some((p) => p === "" || p === "." || p === ".."))
    throw invalid(input, "the file path is malformed");
  if (!filePath.toLowerCase().endsWith(".gguf")) throw invalid(input, "the file must be a .gguf file");
}

function parseUrl(input: string, hubEndpoint: string): ModelSource {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalid(input, "the URL cannot be parsed");
  }
  if (url.username || url.password) throw invalid(input, "credentials do not belong in the URL");
  const hub = new URL(hubEndpoint);
  const segments = url.pathname.split("/").slice(1).map(safeDecode);
  if (url.origin === hub.origin) {
    const [user = "", repo = "", action = "", branch = "", ...path] = segments;
    if (segments.length === 2 && NAME.test(user) && NAME.test(repo)) {
      throw invalid(input, `name the quantization, e.g. hf:${user}/${repo}:Q4_K_M`);
    }
    if ((action === "resolve" || action === "blob") && NAME.test(user) && NAME.test(repo) && branch) {
      const filePath = path.join("/");
      checkFilePath(input, filePath);
      const resolved = new URL(url.href);
      resolved.pathname = resolved.pathname.replace(`/${user}/${repo}/blob/`, `/${user}/${repo}/resolve/`);
      return { kind: "url", uri: resolved.href, url: resolved, file: { user, repo, branch, filePath } };
    }
  }
  if (!url.pathname.toLowerCase().endsWith(".gguf")) {
    throw invalid(input, "the URL must point at a .gguf file");
  }
  return { kind: "url", uri: url.href, url, file: null };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The endpoint as node-llama-cpp and the hub client expect it: http(s), with a trailing slash. */
export function normalizeEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new MasqueError("INVALID_INPUT", `the hub endpoint ${endpoint} must be an http(s) URL`);
  }
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

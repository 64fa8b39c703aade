/**
 * Which of Masque's sampler values each kind of server takes, under which name. Values a kind
 * does not take are not sent and are reported as ignored (the prompt inspector and the reply's
 * provenance name them), never dropped silently.
 */
import type { BackendKind } from "../../../../shared/domain/backend";
import type { SamplerSettings } from "../engine";

type SamplerKey = keyof SamplerSettings;

/** llama-server's native /completion takes every sampler Masque has. */
const LLAMA_SERVER: Record<SamplerKey, string> = {
  temperature: "temperature",
  topP: "top_p",
  topK: "top_k",
  minP: "min_p",
  repeatPenalty: "repeat_penalty",
  repeatLastN: "repeat_last_n",
  frequencyPenalty: "frequency_penalty",
  presencePenalty: "presence_penalty",
  dryMultiplier: "dry_multiplier",
  dryBase: "dry_base",
  dryAllowedLength: "dry_allowed_length",
  xtcProbability: "xtc_probability",
  xtcThreshold: "xtc_threshold",
};

/**
 * OpenAI text completions: the standard fields, plus top_k, min_p and repetition_penalty, which
 * vLLM, TabbyAPI, KoboldCpp and llama-server's /v1/completions all accept. DRY and XTC are not
 * sent (vLLM refuses unknown keys).
 */
const OPENAI: Partial<Record<SamplerKey, string>> = {
  temperature: "temperature",
  topP: "top_p",
  topK: "top_k",
  minP: "min_p",
  repeatPenalty: "repetition_penalty",
  frequencyPenalty: "frequency_penalty",
  presencePenalty: "presence_penalty",
};

export interface MappedSamplers {
  fields: Record<string, number>;
  /** Masque's names of the values this kind of server does not take. */
  ignored: SamplerKey[];
}

export function mapSamplers(kind: BackendKind, sampler: SamplerSettings): MappedSamplers {
  const names: Partial<Record<SamplerKey, string>> = kind === "llama-server" ? LLAMA_SERVER : OPENAI;
  const fields: Record<string, number> = {};
  const ignored: SamplerKey[] = [];
  for (const key of Object.keys(sampler) as SamplerKey[]) {
    const name = names[key];
    if (name) fields[name] = sampler[key];
    else ignored.push(key);
  }
  return { fields, ignored };
}

/** The sampler keys a kind ignores (independent of values). */
export function ignoredSamplers(kind: BackendKind): SamplerKey[] {
  return kind === "llama-server"
    ? []
    : (Object.keys(LLAMA_SERVER) as SamplerKey[]).filter((key) => OPENAI[key] === undefined);
}

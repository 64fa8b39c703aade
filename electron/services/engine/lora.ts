/**
 * LoRA adapters on a llama.cpp context. The chat engine and the scoring backend (the workbench's
 * "base + adapter at scale s") create their contexts with the same options.
 */
import type { LlamaContextOptions } from "node-llama-cpp";
import type { LoraAttachment } from "./engine";

/** `createContext` options attaching the adapters in order (none: no option at all). */
export function loraContextOptions(lora: readonly LoraAttachment[]): Pick<LlamaContextOptions, "lora"> {
  if (lora.length === 0) return {};
  return { lora: { adapters: lora.map((a) => ({ filePath: a.path, scale: a.scale })) } };
}

/** `FILE[:SCALE]` as typed on the command line (scale 1 by default; a Windows drive letter is not a scale). */
export function parseLoraArgument(value: string): LoraAttachment {
  const colon = value.lastIndexOf(":");
  if (colon > 0) {
    const scaleText = value.slice(colon + 1);
    const scale = Number(scaleText);
    if (scaleText.trim() !== "" && Number.isFinite(scale)) return { path: value.slice(0, colon), scale };
  }
  return { path: value, scale: 1 };
}

/** The LoRA adapters of the model library: listing, adding a file, and the global set. */
import type { AdapterInfo } from "../../../shared/api/contract";
import { api } from "../bridge";
import { saveSettings } from "./libraryActions";

/** An adapter of the library with the scale it is applied at. */
export interface LoraChoice {
  adapterId: number;
  scale: number;
}

/** Every adapter of the library. Rejects with the core's error. */
export function fetchAdapters(): Promise<AdapterInfo[]> {
  return api.call("models.adapters", {});
}

/** Checks a GGUF adapter file and adds it to the library. Rejects with the core's error (MODEL_INVALID names the file). */
export function addAdapter(path: string): Promise<AdapterInfo> {
  return api.call("models.addAdapter", { path });
}

/** The adapters every chat without a set of its own uses. */
export async function saveGlobalAdapters(lora: LoraChoice[]): Promise<void> {
  await saveSettings({ loraAdapters: lora });
}

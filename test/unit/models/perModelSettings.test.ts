import { describe, expect, it } from "vitest";
import { syncPerModel, updatePerModel } from "../../../electron/services/models/perModelSettings";
import { createSettingsStore } from "../../../electron/storage/settingsStore";
import { DEFAULT_SETTINGS } from "../../../shared/domain/settings";

const SHA = "a".repeat(64);

function memoryStore(initial: Record<string, unknown> = {}) {
  const backend = {
    store: { ...DEFAULT_SETTINGS, ...initial } as Record<string, unknown>,
    set(values: Record<string, unknown>) {
      Object.assign(this.store, values);
    },
  };
  return createSettingsStore(backend, "/tmp/masque-test-settings");
}

describe("per-model settings by SHA-256", () => {
  it("captures a thread count measured under a path, and gives it back when the file moves", () => {
    const store = memoryStore({ modelOverrides: { "/old/m.gguf": { threads: 3 } } });
    expect(syncPerModel(store, SHA, "/old/m.gguf")).toEqual({ threads: 3 });
    expect(store.getAll().modelSettings[SHA]).toEqual({ threads: 3 });
    syncPerModel(store, SHA, "/new/place/m.gguf");
    expect(store.getAll().modelOverrides["/new/place/m.gguf"]).toEqual({ threads: 3 });
  });

  it("updates, clears with null, mirrors the template to the path the prompt builder reads", () => {
    const store = memoryStore({ samplerPresets: [{ name: "Calm", values: { temperature: 0.5 } }] });
    const updated = updatePerModel(store, SHA, "/m.gguf", {
      contextSize: 8192,
      gpuLayers: 20,
      templateId: "chatml",
      samplerPreset: "Calm",
    });
    expect(updated).toEqual({
      contextSize: 8192,
      gpuLayers: 20,
      templateId: "chatml",
      samplerPreset: "Calm",
    });
    expect(store.getAll().modelOverrides["/m.gguf"]).toEqual({ templateId: "chatml" });
    const cleared = updatePerModel(store, SHA, "/m.gguf", { templateId: null, gpuLayers: null });
    expect(cleared).toEqual({ contextSize: 8192, samplerPreset: "Calm" });
    expect(store.getAll().modelOverrides["/m.gguf"]).toBeUndefined();
  });

  it("refuses an unknown template or preset, changing nothing", () => {
    const store = memoryStore();
    expect(() => updatePerModel(store, SHA, "/m.gguf", { templateId: "nope" })).toThrow(
      /unknown template "nope"/,
    );
    expect(() => updatePerModel(store, SHA, "/m.gguf", { samplerPreset: "Wild" })).toThrow(
      /no preset "Wild"/,
    );
    expect(store.getAll().modelSettings).toEqual({});
  });
});

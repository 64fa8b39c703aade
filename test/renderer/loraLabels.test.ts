/** How adapters are named in the UI: scales typed in the panel, the pill's count, run labels. */
import { describe, expect, it } from "vitest";
import { adaptersLabel, parseScale } from "../../renderer/src/features/lora/loraLabels";
import { modelLabel } from "../../shared/domain/eval";

describe("LoRA labels", () => {
  it("accepts the scales the core accepts, and nothing else", () => {
    expect(parseScale("0.5")).toBe(0.5);
    expect(parseScale("-10")).toBe(-10);
    expect(parseScale("0")).toBe(0);
    expect(parseScale("")).toBeNull();
    expect(parseScale("  ")).toBeNull();
    expect(parseScale("10.5")).toBeNull();
    expect(parseScale("half")).toBeNull();
    expect(parseScale("Infinity")).toBeNull();
  });

  it("counts adapters on the pill", () => {
    expect(adaptersLabel(0)).toBe("");
    expect(adaptersLabel(1)).toBe(" + 1 adapter");
    expect(adaptersLabel(3)).toBe(" + 3 adapters");
  });

  it("names a run's model with its adapters and scales, in order", () => {
    expect(modelLabel({ fileName: "m.gguf" })).toBe("m.gguf");
    expect(
      modelLabel({
        fileName: "m.gguf",
        lora: [
          { fileName: "a.gguf", scale: 0.5 },
          { fileName: "b.gguf", scale: 1 },
        ],
      }),
    ).toBe("m.gguf + a.gguf×0.5 + b.gguf×1");
  });
});

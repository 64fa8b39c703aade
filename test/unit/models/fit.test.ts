import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CatalogModel,
  catalogFit,
  catalogNeed,
  parseCatalog,
} from "../../../electron/services/models/catalog";
import { classify, type HardwareState, largestFitting } from "../../../electron/services/models/fitEstimator";
import { PROJECT_ROOT } from "../../helpers/model";

const GiB = 1024 ** 3;
const cpu = (freeGiB: number, totalGiB = 16, swapGiB = 0): HardwareState => ({
  ramTotal: totalGiB * GiB,
  ramFree: freeGiB * GiB,
  swapFree: swapGiB * GiB,
  vramTotal: 0,
  vramFree: 0,
  gpu: false,
});

describe("fit verdicts", () => {
  it("fits within 90% of free RAM, is tight up to free RAM plus swap, and does not fit beyond", () => {
    expect(classify({ ram: 7 * GiB, vram: 0 }, cpu(8), false)).toBe("fits");
    expect(classify({ ram: 7.5 * GiB, vram: 0 }, cpu(8), false)).toBe("tight");
    expect(classify({ ram: 9 * GiB, vram: 0 }, cpu(8, 16, 2), false)).toBe("tight");
    expect(classify({ ram: 11 * GiB, vram: 0 }, cpu(8, 16, 2), false)).toBe("doesNotFit");
  });

  it("judges VRAM separately and calls a partial GPU offload tight", () => {
    const gpu: HardwareState = { ...cpu(8), vramTotal: 8 * GiB, vramFree: 6 * GiB, gpu: true };
    expect(classify({ ram: 1 * GiB, vram: 5 * GiB }, gpu, false)).toBe("fits");
    expect(classify({ ram: 1 * GiB, vram: 7 * GiB }, gpu, false)).toBe("doesNotFit");
    expect(classify({ ram: 1 * GiB, vram: 5 * GiB }, gpu, true)).toBe("tight");
  });

  it("finds the largest fitting context, a multiple of 256 up to the trained one", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 256, max: 131_072 }),
        fc.integer({ min: 0, max: 140_000 }),
        async (trained, limit) => {
          const largest = await largestFitting(trained, async (context) => context <= limit);
          if (limit >= trained) expect(largest).toBe(trained);
          else if (limit < 256) expect(largest).toBe(0);
          else {
            expect(largest % 256).toBe(0);
            expect(largest).toBeLessThanOrEqual(limit);
            expect(limit - largest).toBeLessThan(256);
          }
        },
      ),
    );
  });
});

describe("the recommended catalog", () => {
  const file = join(PROJECT_ROOT, "resources", "models-catalog.json");
  const catalog = parseCatalog(readFileSync(file, "utf8"), file);

  it("covers roughly 1B to 24B role-play capable models, each with a quantized hf: URI and a licence", () => {
    const params = catalog.map((m) => m.parameters);
    expect(Math.min(...params)).toBeLessThan(2e9);
    expect(Math.max(...params)).toBeGreaterThan(20e9);
    for (const model of catalog) {
      expect(model.uri).toMatch(new RegExp(`:${model.quantization}$`));
      expect(model.license.length).toBeGreaterThan(0);
      // A Q4_K_M file is roughly 4.5-5 bits per weight.
      const bitsPerWeight = (model.sizeBytes * 8) / model.parameters;
      expect(bitsPerWeight).toBeGreaterThan(4);
      expect(bitsPerWeight).toBeLessThan(6);
    }
  });

  it("says which entries fit a machine from its own numbers", () => {
    const small = catalog.reduce((a, b) => (a.sizeBytes < b.sizeBytes ? a : b));
    const large = catalog.reduce((a, b) => (a.sizeBytes > b.sizeBytes ? a : b));
    const laptop = cpu(6);
    expect(catalogFit(small, 4096, laptop)).toMatchObject({ fits: true, verdict: "fits", contextSize: 4096 });
    const refused = catalogFit(large, 4096, laptop);
    expect(refused).toMatchObject({ fits: false, verdict: "doesNotFit", maxContextSize: 0 });
    expect(refused.ramBytes).toBe(Math.round(catalogNeed(large, 4096)));
    // A context bigger than the trained one is capped to it.
    expect(catalogFit(small, 10_000_000, cpu(64)).contextSize).toBe(small.trainedContextSize);
  });

  it("refuses a malformed catalog naming the file and the field", () => {
    const bad = (models: unknown) => () => parseCatalog(JSON.stringify({ models }), "extra.json");
    const base = catalog[0] as CatalogModel;
    expect(bad([{ ...base, uri: "hf:user/repo" }])).toThrow(
      /extra\.json: models\.0\.uri: uri must be hf:user\/repo:QUANT/,
    );
    expect(bad([{ ...base, sizeBytes: -1 }])).toThrow(/models\.0\.sizeBytes/);
    expect(bad([base, base])).toThrow(/appears twice/);
    expect(() => parseCatalog("{", "extra.json")).toThrow(/extra\.json: not JSON/);
  });
});

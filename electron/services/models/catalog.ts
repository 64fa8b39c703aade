/**
 * The recommended models (resources/models-catalog.json), with a fit for this machine computed from
 * the catalog's own numbers (file size and KV cache per token), never from the network. A file
 * named by MASQUE_MODELS_CATALOG adds entries (a mirror's own list, or a test hub's).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import bundled from "../../../resources/models-catalog.json" with { type: "json" };
import { describeIssues } from "../../../shared/api/validate";
import type { FitEstimate } from "../../../shared/domain/modelLibrary";
import { MasqueError } from "../../../shared/errors";
import { classify, type HardwareState, MIN_CONTEXT } from "./fitEstimator";

const entrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "id: lower-case letters, digits, . _ -"),
    name: z.string().min(1).max(200),
    uri: z.string().regex(/^hf:[^/\s]+\/[^/\s:]+:[A-Za-z0-9_.-]+$/, "uri must be hf:user/repo:QUANT"),
    quantization: z.string().min(1).max(40),
    sizeBytes: z.number().int().positive(),
    parameters: z.number().int().positive(),
    license: z.string().min(1).max(100),
    trainedContextSize: z.number().int().min(MIN_CONTEXT),
    template: z.string().min(1).max(40),
    kvBytesPerToken: z.number().int().positive(),
    /** Transformer blocks; the model has one more offloadable layer (the output). */
    layers: z.number().int().positive(),
    description: z.string().max(500),
  })
  .strict();

const catalogSchema = z
  .object({ about: z.string().optional(), models: z.array(entrySchema).min(1) })
  .strict();

export type CatalogModel = z.infer<typeof entrySchema>;

/** Parses a catalog file's text; a bad entry is INVALID_INPUT naming the file and the field. */
export function parseCatalog(text: string, file: string): CatalogModel[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MasqueError("INVALID_INPUT", `${file}: not JSON (${(error as Error).message})`, { file });
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) {
    throw new MasqueError("INVALID_INPUT", `${file}: ${describeIssues(parsed.error.issues)}`, { file });
  }
  const ids = new Set<string>();
  for (const model of parsed.data.models) {
    if (ids.has(model.id))
      throw new MasqueError("INVALID_INPUT", `${file}: the id "${model.id}" appears twice`);
    ids.add(model.id);
  }
  return parsed.data.models;
}

export function loadCatalog(extraFile = process.env.MASQUE_MODELS_CATALOG): CatalogModel[] {
  const models = parseCatalog(JSON.stringify(bundled), "resources/models-catalog.json");
  if (!extraFile) return models;
  let text: string;
  try {
    text = readFileSync(extraFile, "utf8");
  } catch (error) {
    throw new MasqueError("INVALID_INPUT", `MASQUE_MODELS_CATALOG ${extraFile}: ${(error as Error).message}`);
  }
  const extra = parseCatalog(text, extraFile);
  const known = new Set(extra.map((m) => m.id));
  return [...extra, ...models.filter((m) => !known.has(m.id))];
}

/** Compute buffers and runtime beyond weights and KV cache: a rough allowance, stated here once. */
function overheadBytes(model: CatalogModel): number {
  return 128 * 1024 * 1024 + model.sizeBytes * 0.02;
}

/** RAM (or VRAM) the model needs with `context` tokens, from the catalog's numbers. */
export function catalogNeed(model: CatalogModel, context: number): number {
  return model.sizeBytes + model.kvBytesPerToken * context + overheadBytes(model);
}

/**
 * The fit from the catalog's numbers. With a GPU whose free VRAM holds everything, the model runs
 * there; otherwise it is judged against RAM, and a GPU that holds only part makes it "tight".
 */
export function catalogFit(model: CatalogModel, requestedContext: number, hw: HardwareState): FitEstimate {
  const trained = model.trainedContextSize;
  const contextSize = Math.max(MIN_CONTEXT, Math.min(requestedContext, trained));
  const need = catalogNeed(model, contextSize);
  const onGpu = hw.gpu && need <= hw.vramFree * 0.9;
  const verdict = onGpu ? "fits" : classify({ ram: need, vram: 0 }, hw, hw.gpu && hw.vramFree > 0);
  const budget = onGpu ? hw.vramFree * 0.9 : hw.ramFree + hw.swapFree;
  const fixed = model.sizeBytes + overheadBytes(model);
  const largest = Math.floor((budget - fixed) / model.kvBytesPerToken / MIN_CONTEXT) * MIN_CONTEXT;
  return {
    fits: verdict !== "doesNotFit",
    verdict,
    ramBytes: Math.round(onGpu ? 0 : need),
    vramBytes: Math.round(onGpu ? need : 0),
    gpuLayers: onGpu ? model.layers + 1 : 0,
    contextSize,
    maxContextSize: largest < MIN_CONTEXT ? 0 : Math.min(trained, largest),
  };
}

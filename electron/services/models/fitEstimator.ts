/**
 * Will a model fit this machine, and with how much context? node-llama-cpp's `GgufInsights`
 * estimates (the V2 ones simulate with the native addon from the header alone, local or remote)
 * against the machine's free RAM, swap and VRAM:
 * - fits: everything within 90% of free RAM (and free VRAM);
 * - tight: fits only counting swap, or only part of the layers go to the GPU;
 * - doesNotFit: more than free RAM plus swap (or the VRAM the requested layers need): refused.
 */
import { freemem, totalmem } from "node:os";
import { type GgufFileInfo, GgufInsights, type Llama } from "node-llama-cpp";
import type { FitEstimate, FitVerdict } from "../../../shared/domain/modelLibrary";

export interface HardwareState {
  ramTotal: number;
  ramFree: number;
  swapFree: number;
  vramTotal: number;
  vramFree: number;
  /** A usable GPU (offloading supported). */
  gpu: boolean;
}

export type HardwareProbe = () => Promise<HardwareState>;

export const MIN_CONTEXT = 256;
/** What node-llama-cpp assumes for a header without `context_length`. */
const DEFAULT_TRAINED_CONTEXT = 4096;
const COMFORT = 0.9;

export function hardwareOf(llama: Llama): HardwareProbe {
  return async () => {
    const [ram, swap, vram] = await Promise.all([
      llama.getRamState(),
      llama.getSwapState(),
      llama.getVramState(),
    ]);
    return {
      ramTotal: ram.total,
      ramFree: ram.free,
      swapFree: Math.max(0, swap.maxSize - swap.used),
      vramTotal: vram.total,
      vramFree: vram.free,
      gpu: llama.gpu !== false && llama.supportsGpuOffloading,
    };
  };
}

export const osHardware: HardwareProbe = async () => ({
  ramTotal: totalmem(),
  ramFree: freemem(),
  swapFree: 0,
  vramTotal: 0,
  vramFree: 0,
  gpu: false,
});

export interface FitRequest {
  contextSize: number;
  /** Undefined: as many as fit (none without a GPU). */
  gpuLayers?: number;
}

interface Need {
  ram: number;
  vram: number;
}

export function classify(need: Need, hw: HardwareState, partialOffload: boolean): FitVerdict {
  if (need.ram > hw.ramFree + hw.swapFree || (need.vram > 0 && need.vram > hw.vramFree)) return "doesNotFit";
  if (need.ram > hw.ramFree * COMFORT || partialOffload) return "tight";
  return "fits";
}

/** Reuses insights per model (their simulations are cached inside), a few models at a time. */
const INSIGHTS_CACHE = 8;

export class FitEstimator {
  private readonly insights = new Map<string, Promise<GgufInsights>>();

  constructor(
    private readonly getLlama: () => Promise<Llama | undefined>,
    private readonly hardware?: HardwareProbe,
  ) {}

  /** Bytes of tensor data the header describes (alignment padding not counted, so a lower bound). */
  async tensorBytes(key: string, info: GgufFileInfo): Promise<number> {
    return (await this.insightsFor(key, info, await this.getLlama())).modelSize;
  }

  async dispose(): Promise<void> {
    const entries = [...this.insights.values()];
    this.insights.clear();
    await Promise.all(entries.map((entry) => releaseSimulations(entry)));
  }

  /** `key` identifies the file version (path and mtime, or the URI) for the insights cache. */
  async estimate(key: string, info: GgufFileInfo, request: FitRequest): Promise<FitEstimate> {
    const llama = await this.getLlama();
    const insights = await this.insightsFor(key, info, llama);
    const hw = await (this.hardware ?? (llama ? hardwareOf(llama) : osHardware))();
    const trained = insights.trainContextSize ?? DEFAULT_TRAINED_CONTEXT;
    const contextSize = Math.max(MIN_CONTEXT, Math.min(request.contextSize, trained));
    const gpuLayers = await this.gpuLayers(insights, hw, request, contextSize);
    const partialOffload = hw.gpu && gpuLayers > 0 && gpuLayers < insights.totalLayers;
    const model = await insights.estimateModelResourceRequirementsV2({ gpuLayers });
    const needAt = async (context: number): Promise<Need> => {
      const ctx = await insights.estimateContextResourceRequirementsV2({
        contextSize: context,
        modelGpuLayers: gpuLayers,
      });
      return { ram: model.cpuRam + ctx.cpuRam, vram: model.gpuVram + ctx.gpuVram };
    };
    const need = await needAt(contextSize);
    const verdict = classify(need, hw, partialOffload);
    const fitsAt = async (context: number) =>
      classify(await needAt(context), hw, partialOffload) !== "doesNotFit";
    return {
      fits: verdict !== "doesNotFit",
      verdict,
      ramBytes: Math.round(need.ram),
      vramBytes: Math.round(need.vram),
      gpuLayers,
      contextSize,
      maxContextSize: await largestFitting(trained, fitsAt),
    };
  }

  private async gpuLayers(
    insights: GgufInsights,
    hw: HardwareState,
    request: FitRequest,
    contextSize: number,
  ) {
    if (!hw.gpu) return 0;
    if (request.gpuLayers !== undefined) return Math.min(request.gpuLayers, insights.totalLayers);
    const resolved = await insights.configurationResolver.resolveAndScoreConfig({
      targetContextSize: contextSize,
    });
    return resolved.resolvedValues.gpuLayers;
  }

  private insightsFor(key: string, info: GgufFileInfo, llama: Llama | undefined): Promise<GgufInsights> {
    let entry = this.insights.get(key);
    if (!entry) {
      entry = GgufInsights.from(info, llama);
      this.insights.set(key, entry);
      entry.catch(() => this.insights.delete(key));
      while (this.insights.size > INSIGHTS_CACHE) {
        const oldest = this.insights.keys().next().value;
        if (oldest === undefined) break;
        void releaseSimulations(this.insights.get(oldest));
        this.insights.delete(oldest);
      }
    } else {
      // Most recently used last.
      this.insights.delete(key);
      this.insights.set(key, entry);
    }
    return entry;
  }
}

/**
 * Frees the models the V2 estimates keep loaded (metadata only) for their simulations. Each holds a
 * guard on the Llama that keeps `llama.dispose()` waiting, so they go before the engine does.
 * node-llama-cpp exposes no public way to do this; the session is its own disposable object.
 */
async function releaseSimulations(entry: Promise<GgufInsights> | undefined): Promise<void> {
  const insights = await entry?.catch(() => null);
  const session = (insights as unknown as { _simulationSession?: { dispose?: () => Promise<void> } } | null)
    ?._simulationSession;
  await session?.dispose?.().catch(() => undefined);
}

/** The largest context (a multiple of 256, up to `trained`) for which `fitsAt` holds; 0 if none. */
export async function largestFitting(
  trained: number,
  fitsAt: (context: number) => Promise<boolean>,
): Promise<number> {
  if (await fitsAt(trained)) return trained;
  let low = MIN_CONTEXT;
  if (!(await fitsAt(low))) return 0;
  let high = Math.floor(trained / MIN_CONTEXT) * MIN_CONTEXT;
  // Invariant: low fits, high does not (or high is trained rounded down, unknown yet).
  if (high <= low) return low;
  if (await fitsAt(high)) return high;
  while (high - low > MIN_CONTEXT) {
    const mid = Math.floor((low + high) / 2 / MIN_CONTEXT) * MIN_CONTEXT;
    if (await fitsAt(mid)) low = mid;
    else high = mid;
  }
  return low;
}

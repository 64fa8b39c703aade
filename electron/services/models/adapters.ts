/**
 * LoRA adapters in the model library: adding a GGUF adapter file (checked: general.type is
 * "adapter", adapter.type is "lora", the architecture matches the loaded model), and resolving the
 * adapters a generation uses — the call's files, else the chat's set, else the global one — each
 * with its file's SHA-256 and scale, checked against the loaded model's tensors.
 */
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { type GgufFileInfo, readGgufFileInfo } from "node-llama-cpp";
import type { AdapterInfo, GenerationOptions } from "../../../shared/api/contract";
import type { ChatOptions } from "../../../shared/domain/chat";
import { MasqueError } from "../../../shared/errors";
import type { AdapterRepository } from "../../storage/adapterRepository";
import type { ChatRepository } from "../../storage/chatRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import type { Engine, LoraAttachment } from "../engine/engine";
import type { FileDigests } from "../engine/fileDigest";
import { assertGgufHeader } from "../engine/ggufPreflight";
import type { PlannedAdapter } from "../generationPlan";

export class AdapterLibrary {
  constructor(
    private readonly adapters: AdapterRepository,
    private readonly digests: FileDigests,
    private readonly engine: Engine,
    private readonly chats: ChatRepository,
    private readonly settings: SettingsStore,
  ) {}

  list(): AdapterInfo[] {
    return this.adapters.list();
  }

  /** Checks the file and adds it (or refreshes its row when the file changed). */
  async add(path: string): Promise<AdapterInfo> {
    return this.addFor(path, await this.baseArchitecture());
  }

  /** Adds the file if it is a LoRA adapter for `base`'s architecture (any, when null). */
  private async addFor(
    path: string,
    base: { architecture: string; fileName: string } | null,
  ): Promise<AdapterInfo> {
    const absolute = resolve(path);
    const { gguf, sizeBytes } = await readAdapterHeader(absolute);
    const architecture = adapterArchitecture(absolute, gguf);
    if (base && base.architecture !== architecture) {
      throw invalid(
        absolute,
        `the adapter is for ${architecture} models; ${base.fileName} is a ${base.architecture} model`,
      );
    }
    return this.adapters.upsert({
      path: absolute,
      fileName: basename(absolute),
      sha256: await this.digests.sha256(absolute),
      baseArchitecture: architecture,
      sizeBytes,
    });
  }

  /** A chat's or the global set may only name adapters of the library. */
  assertKnown(choices: readonly { adapterId: number }[] | null | undefined, field: string): void {
    for (const [i, { adapterId }] of (choices ?? []).entries()) {
      try {
        this.adapters.get(adapterId);
      } catch {
        throw new MasqueError(
          "INVALID_INPUT",
          `${field}.${i}.adapterId: LoRA adapter ${adapterId} does not exist`,
          {
            field: `${field}.${i}.adapterId`,
          },
        );
      }
    }
  }

  /** The loaded model's architecture, else the one of the model in the settings (if readable). */
  private async baseArchitecture(): Promise<{ architecture: string; fileName: string } | null> {
    const info = this.engine.status().info;
    if (info) return { architecture: info.architecture, fileName: info.fileName };
    const path = this.settings.getAll().modelPath;
    if (!path) return null;
    try {
      await assertGgufHeader(path);
      const gguf = await readGgufFileInfo(path, { readTensorInfo: false, logWarnings: false });
      const architecture = gguf.metadata?.general?.architecture;
      return typeof architecture === "string" ? { architecture, fileName: basename(path) } : null;
    } catch {
      return null;
    }
  }

  remove(id: number): { removed: true } {
    this.adapters.delete(id);
    return { removed: true };
  }

  /** The adapters a generation in this chat uses, checked against the loaded model. */
  async resolve(chatId: number, options: GenerationOptions): Promise<PlannedAdapter[]> {
    const choices = await this.choices(chatId, options);
    if (choices.length === 0) return [];
    const loaded = this.engine.loaded();
    if (!loaded) return [];
    const baseTensors = await tensorShapes(loaded.path);
    const planned: PlannedAdapter[] = [];
    for (const { adapter, scale } of choices) {
      // The file may have changed since it was added: check it again (its digest is cached).
      const current = await this.add(adapter.path);
      await checkShapes(current.path, baseTensors, basename(loaded.path));
      planned.push({ path: current.path, fileName: current.fileName, sha256: current.sha256, scale });
    }
    return planned;
  }

  /**
   * Adapter files named by a workbench run (perplexity or an A/B contestant), checked against the
   * model file the run names — not the loaded one — and added to the library like `--lora` files.
   */
  async checkFor(modelPath: string, files: readonly LoraAttachment[]): Promise<PlannedAdapter[]> {
    if (files.length === 0) return [];
    const { architecture, shapes: baseTensors } = await modelHeader(modelPath);
    const base = architecture ? { architecture, fileName: basename(modelPath) } : null;
    const planned: PlannedAdapter[] = [];
    for (const { path, scale } of files) {
      const adapter = await this.addFor(path, base);
      await checkShapes(adapter.path, baseTensors, basename(modelPath));
      planned.push({ path: adapter.path, fileName: adapter.fileName, sha256: adapter.sha256, scale });
    }
    return planned;
  }

  private async choices(
    chatId: number,
    options: GenerationOptions,
  ): Promise<{ adapter: AdapterInfo; scale: number }[]> {
    if (options.lora) {
      const chosen = [];
      for (const { path, scale } of options.lora) chosen.push({ adapter: await this.add(path), scale });
      return chosen;
    }
    const chatSet = (this.chats.options(chatId) as ChatOptions).lora;
    const set = chatSet ?? this.settings.getAll().loraAdapters;
    return set.map(({ adapterId, scale }) => ({ adapter: this.adapters.get(adapterId), scale }));
  }
}

async function readAdapterHeader(path: string): Promise<{ gguf: GgufFileInfo; sizeBytes: number }> {
  let sizeBytes: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw invalid(path, "not a file");
    sizeBytes = stats.size;
  } catch (error) {
    if (error instanceof MasqueError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(path, code === "ENOENT" ? "no such file" : `cannot be read (${code})`);
  }
  await assertGgufHeader(path, "file");
  try {
    return { gguf: await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false }), sizeBytes };
  } catch (error) {
    const message = (error as Error).message;
    throw invalid(
      path,
      /magic/i.test(message) ? `not a GGUF file (${message})` : `unreadable GGUF header (${message})`,
    );
  }
}

function adapterArchitecture(path: string, gguf: GgufFileInfo): string {
  const general = gguf.metadata?.general as { type?: unknown; architecture?: unknown } | undefined;
  if (general?.type !== "adapter") {
    throw invalid(
      path,
      `not a LoRA adapter (general.type is ${JSON.stringify(general?.type ?? null)}, expected "adapter")`,
    );
  }
  const adapter = (gguf.metadata as { adapter?: { type?: unknown } }).adapter;
  if (adapter?.type !== "lora") {
    throw invalid(
      path,
      `not a LoRA adapter (adapter.type is ${JSON.stringify(adapter?.type ?? null)}, expected "lora")`,
    );
  }
  if (typeof general.architecture !== "string" || general.architecture === "") {
    throw invalid(path, "the adapter names no architecture (general.architecture)");
  }
  if ((gguf.tensorInfo?.length ?? 0) === 0) throw invalid(path, "the adapter has no tensors");
  return general.architecture;
}

type Shapes = Map<string, number[]>;

/** A model file's architecture and tensor shapes (MODEL_INVALID naming the file when unreadable). */
async function modelHeader(path: string): Promise<{ architecture: string | null; shapes: Shapes }> {
  let info: GgufFileInfo;
  await assertGgufHeader(path);
  try {
    info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  } catch (error) {
    throw invalid(path, `unreadable GGUF header (${(error as Error).message})`);
  }
  const architecture = info.metadata?.general?.architecture;
  return {
    architecture: typeof architecture === "string" ? architecture : null,
    shapes: new Map((info.tensorInfo ?? []).map((t) => [t.name, t.dimensions.map(Number)])),
  };
}

async function tensorShapes(path: string): Promise<Shapes> {
  await assertGgufHeader(path);
  const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  return new Map((info.tensorInfo ?? []).map((t) => [t.name, t.dimensions.map(Number)]));
}

/**
 * Every `X.lora_a` / `X.lora_b` pair must sit on a base tensor X: lora_a is (n_in, rank) and
 * lora_b (rank, n_out) in GGUF order, X is (n_in, n_out). llama.cpp checks this too, but only
 * says that the context could not be created.
 */
async function checkShapes(path: string, base: Shapes, modelFile: string): Promise<void> {
  const adapter = await tensorShapes(path);
  for (const [name, a] of adapter) {
    if (!name.endsWith(".lora_a")) continue;
    const target = name.slice(0, -".lora_a".length);
    const b = adapter.get(`${target}.lora_b`);
    const w = base.get(target);
    if (!b) throw invalid(path, `tensor ${target}.lora_b is missing`);
    if (!w) throw invalid(path, `tensor ${name} adapts ${target}, which ${modelFile} does not have`);
    const fits = a.length === 2 && b.length === 2 && a[0] === w[0] && b[1] === w[1] && a[1] === b[0];
    if (!fits) {
      throw invalid(
        path,
        `tensor ${target}: lora_a [${a}] and lora_b [${b}] do not fit ${modelFile}'s [${w}] (GGUF order)`,
      );
    }
  }
}

function invalid(path: string, reason: string): MasqueError {
  return new MasqueError("MODEL_INVALID", `${path}: ${reason}`, { path, file: basename(path) });
}

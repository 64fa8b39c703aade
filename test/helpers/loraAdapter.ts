/**
 * A random rank-r LoRA adapter for a llama-architecture test model, written at test time (never
 * committed): `blk.N.attn_q.weight.lora_a` (rank, n_in) and `.lora_b` (n_out, rank) in numpy
 * order for every block's attention projections, with general.type = adapter.
 */
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { createRandom } from "../../shared/stats/random";
import { type GgufTensor, writeGguf } from "./ggufWriter";

export interface LoraOptions {
  rank?: number;
  alpha?: number;
  seed?: number;
  /** Standard deviation of the random values. */
  spread?: number;
  /** Which base tensors get an adapter (suffix of `blk.N.`). */
  targets?: string[];
  /** Written as general.architecture (default: the base model's). */
  architecture?: string;
  fileName?: string;
}

export async function writeLoraAdapter(
  baseModel: string,
  dir: string,
  options: LoraOptions = {},
): Promise<string> {
  const rank = options.rank ?? 4;
  const targets = options.targets ?? [
    "attn_q.weight",
    "attn_k.weight",
    "attn_v.weight",
    "attn_output.weight",
  ];
  const info = await readGgufFileInfo(baseModel);
  const architecture = options.architecture ?? String(info.metadata.general.architecture);
  const random = createRandom(options.seed ?? 1);
  const spread = options.spread ?? 0.05;
  const gaussian = () =>
    Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next()) * spread;
  const tensors: GgufTensor[] = [];
  for (const tensor of info.tensorInfo ?? []) {
    if (!/^blk\.\d+\./.test(tensor.name) || !targets.some((t) => tensor.name.endsWith(`.${t}`))) continue;
    // GGUF dimensions are innermost first: (n_in, n_out).
    const [nIn, nOut] = tensor.dimensions.map(Number) as [number, number];
    const values = (n: number) => Float32Array.from({ length: n }, gaussian);
    tensors.push({ name: `${tensor.name}.lora_a`, shape: [rank, nIn], data: values(rank * nIn) });
    tensors.push({ name: `${tensor.name}.lora_b`, shape: [nOut, rank], data: values(nOut * rank) });
  }
  const path = join(dir, options.fileName ?? "adapter.gguf");
  writeGguf(
    path,
    {
      "general.architecture": { type: "string", value: architecture },
      "general.type": { type: "string", value: "adapter" },
      "general.name": { type: "string", value: "test adapter" },
      "adapter.type": { type: "string", value: "lora" },
      "adapter.lora.alpha": { type: "f32", value: options.alpha ?? rank },
    },
    tensors,
  );
  return path;
}

/**
 * A deliberately worse model for tests: a copy of an F32 GGUF in a temp directory with Gaussian
 * noise added to the transformer blocks' weights (tensor offsets from readGgufFileInfo). Never
 * committed; the caller deletes the directory.
 */
import { closeSync, copyFileSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { GgmlType, readGgufFileInfo } from "node-llama-cpp";
import { createRandom } from "../../shared/stats/random";

export interface NoiseOptions {
  /** Noise standard deviation as a fraction of each tensor's RMS. */
  scale: number;
  seed: number;
  /** Which tensors get noise; default: the transformer blocks. */
  include?: (tensorName: string) => boolean;
}

export async function writeNoisyCopy(source: string, dir: string, options: NoiseOptions): Promise<string> {
  const info = await readGgufFileInfo(source);
  const include = options.include ?? ((name: string) => name.startsWith("blk."));
  const target = join(dir, "noisy.gguf");
  copyFileSync(source, target);
  const random = createRandom(options.seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const fd = openSync(target, "r+");
  let touched = 0;
  try {
    for (const tensor of info.tensorInfo ?? []) {
      if (!include(tensor.name)) continue;
      if (tensor.ggmlType !== GgmlType.F32) {
        throw new Error(
          `${source}: tensor ${tensor.name} is not F32 (type ${tensor.ggmlType}); cannot add noise`,
        );
      }
      const count = tensor.dimensions.reduce<number>((n, d) => n * Number(d), 1);
      const bytes = Buffer.alloc(count * 4);
      const position = Number(tensor.fileOffset);
      readSync(fd, bytes, 0, bytes.length, position);
      const weights = new Float32Array(bytes.buffer, bytes.byteOffset, count);
      const rms = Math.sqrt(weights.reduce((s, w) => s + w * w, 0) / count);
      for (let i = 0; i < count; i++) weights[i] = (weights[i] as number) + gaussian() * rms * options.scale;
      writeSync(fd, bytes, 0, bytes.length, position);
      touched++;
    }
  } finally {
    closeSync(fd);
  }
  if (touched === 0) throw new Error(`${source}: no tensor matched, nothing was made worse`);
  return target;
}

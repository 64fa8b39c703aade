/**
 * The test hub most model tests use: the real test model and a larger copy of it (a big metadata
 * value added, so a download spans several 5 MiB chunks) under a fake repository, plus repositories
 * whose published hash is wrong and whose file is far bigger than any disk.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeHub, startFakeHub } from "./fakeHub";
import { writePaddedGguf } from "./gguf";
import { TEST_MODEL_PATH } from "./model";

export const REPO = { user: "tester", repo: "Stories-GGUF" };
export const SMALL_URI = "hf:tester/Stories-GGUF:F32";
export const LARGE_URI = "hf:tester/Stories-GGUF:Q8_0";
export const BAD_HASH_URI = "hf:tester/Broken-GGUF:F32";
export const HUGE_URI = "hf:tester/Huge-GGUF:Q4_K_M";
/**
 * Bytes of the padding that makes the large model: 8 chunks of 5 MiB and a bit. node-llama-cpp's
 * downloader fetches with 3 parallel streams and records progress per completed chunk, so a resume
 * saves whole chunks only; a file of a few chunks would show almost nothing.
 */
export const PADDING_BYTES = 40 * 1024 * 1024;

export interface ModelHub {
  hub: FakeHub;
  smallPath: string;
  largePath: string;
}

/** Writes the files into `dir` and starts the hub. */
export async function startModelHub(dir: string): Promise<ModelHub> {
  const smallPath = join(dir, "Stories-F32.gguf");
  const largePath = join(dir, "Stories-Padded-Q8_0.gguf");
  copyFileSync(TEST_MODEL_PATH, smallPath);
  await writePaddedGguf(TEST_MODEL_PATH, largePath, PADDING_BYTES);
  const hub = await startFakeHub([
    {
      ...REPO,
      files: [
        { path: "Stories-F32.gguf", source: smallPath },
        { path: "Stories-Padded-Q8_0.gguf", source: largePath },
      ],
      tags: { F32: "Stories-F32.gguf", Q8_0: "Stories-Padded-Q8_0.gguf" },
    },
    {
      user: "tester",
      repo: "Broken-GGUF",
      files: [{ path: "Broken-F32.gguf", source: smallPath, publishedSha256: "0".repeat(64) }],
      tags: { F32: "Broken-F32.gguf" },
    },
    {
      user: "tester",
      repo: "Huge-GGUF",
      files: [{ path: "Huge-Q4_K_M.gguf", virtualSize: 2 ** 50, publishedSha256: "1".repeat(64) }],
      tags: { Q4_K_M: "Huge-Q4_K_M.gguf" },
    },
  ]);
  return { hub, smallPath, largePath };
}

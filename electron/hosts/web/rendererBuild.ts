/**
 * Makes sure the built renderer in out/renderer is newer than its sources, building it with Vite
 * when it is missing or stale (a fresh clone, or after editing renderer/ or shared/).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const PROJECT_ROOT = join(import.meta.dirname, "..", "..", "..");
export const RENDERER_OUT_DIR = join(PROJECT_ROOT, "out", "renderer");

export async function ensureRendererBuilt(log: (line: string) => void): Promise<string> {
  const index = join(RENDERER_OUT_DIR, "index.html");
  const sources = [join(PROJECT_ROOT, "renderer"), join(PROJECT_ROOT, "shared")];
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const newest = Math.max(...sources.map(newestMtime));
  if (builtAt >= newest) return RENDERER_OUT_DIR;
  if (!existsSync(join(PROJECT_ROOT, "renderer", "vite.config.ts"))) {
    if (builtAt > 0) return RENDERER_OUT_DIR;
    throw new Error("the renderer is neither built nor buildable here (renderer/vite.config.ts is missing)");
  }
  log("Building the interface (first run or sources changed)…");
  const { build } = await import("vite");
  await build({ configFile: join(PROJECT_ROOT, "renderer", "vite.config.ts"), logLevel: "warn" });
  return RENDERER_OUT_DIR;
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

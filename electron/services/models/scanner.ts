/**
 * Finds GGUF models in a folder of any layout, recursively. The parts of a split model
 * (`name-00001-of-00003.gguf`, ...) are one model, found by its first part; a set missing a part is
 * reported, not listed. Symbolic links are followed once (a loop is visited once).
 */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

export interface FoundModel {
  /** The file, or the first part of a split model. */
  path: string;
  partPaths: string[];
  sizeBytes: number;
  /** The newest modification time of its parts. */
  mtimeMs: number;
}

export interface ScanResult {
  models: FoundModel[];
  /** Files that look like models but cannot be used, with the reason. */
  skipped: { path: string; reason: string }[];
}

const SPLIT_PART = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;
const MAX_DEPTH = 32;

export function splitPartInfo(path: string): { base: string; part: number; parts: number } | null {
  const match = SPLIT_PART.exec(basename(path));
  if (!match) return null;
  return { base: join(dirname(path), match[1] as string), part: Number(match[2]), parts: Number(match[3]) };
}

/** The paths of every part of a split model, given its first part (or the file itself). */
export function partPathsOf(path: string): string[] {
  const split = splitPartInfo(path);
  if (!split) return [path];
  return Array.from(
    { length: split.parts },
    (_, i) =>
      `${split.base}-${String(i + 1).padStart(5, "0")}-of-${String(split.parts).padStart(5, "0")}.gguf`,
  );
}

/** Scans `folder`; `exclude` lists folders never entered (the app's own download folder). */
export async function scanFolder(folder: string, exclude: readonly string[] = []): Promise<ScanResult> {
  const files: { path: string; size: number; mtimeMs: number }[] = [];
  const skipped: ScanResult["skipped"] = [];
  const visited = new Set<string>();
  const excluded = new Set(exclude.map((p) => resolve(p)));

  async function walk(dir: string, depth: number): Promise<void> {
    const real = await realpath(dir).catch(() => null);
    if (real === null || visited.has(real) || excluded.has(real) || depth > MAX_DEPTH) return;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({
        path: dir,
        reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      const kind = await kindOf(entry, path);
      if (kind === "dir") await walk(path, depth + 1);
      else if (kind === "file" && entry.name.toLowerCase().endsWith(".gguf")) {
        const info = await stat(path).catch(() => null);
        if (info) files.push({ path, size: info.size, mtimeMs: Math.floor(info.mtimeMs) });
      }
    }
  }

  await walk(resolve(folder), 0);
  const grouped = groupParts(files);
  return { models: grouped.models, skipped: [...skipped, ...grouped.skipped] };
}

/** A directory entry's kind, following a symbolic link to what it points at. */
async function kindOf(entry: Dirent, path: string): Promise<"dir" | "file" | "other"> {
  if (entry.isDirectory()) return "dir";
  if (entry.isFile()) return "file";
  if (!entry.isSymbolicLink()) return "other";
  const target = await stat(path).catch(() => null);
  return target?.isDirectory() ? "dir" : target?.isFile() ? "file" : "other";
}

function groupParts(files: { path: string; size: number; mtimeMs: number }[]): ScanResult {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const models: FoundModel[] = [];
  const skipped: ScanResult["skipped"] = [];
  for (const file of files) {
    const split = splitPartInfo(file.path);
    if (!split) {
      models.push({ path: file.path, partPaths: [file.path], sizeBytes: file.size, mtimeMs: file.mtimeMs });
      continue;
    }
    if (split.part !== 1) continue;
    const partPaths = partPathsOf(file.path);
    const parts = partPaths.map((p) => byPath.get(p));
    const missing = partPaths.filter((_, i) => parts[i] === undefined);
    if (missing.length > 0) {
      skipped.push({
        path: file.path,
        reason: `split model missing ${missing.length} of ${split.parts} parts (${missing.map((p) => basename(p)).join(", ")})`,
      });
      continue;
    }
    const present = parts as { size: number; mtimeMs: number }[];
    models.push({
      path: file.path,
      partPaths,
      sizeBytes: present.reduce((sum, p) => sum + p.size, 0),
      mtimeMs: Math.max(...present.map((p) => p.mtimeMs)),
    });
  }
  return { models: models.sort((a, b) => a.path.localeCompare(b.path)), skipped };
}

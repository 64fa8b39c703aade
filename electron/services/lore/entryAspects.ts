/** Helpers to declare aspects of a lore entry in a few lines. */
import type { LoreEntry } from "../../../shared/domain/lore";
import type { Aspect } from "./aspects";
import type { Path, Raw } from "./rawFields";
import { getPath } from "./rawFields";

export type EntryAspect = Aspect<LoreEntry>;

/** One raw field ⇄ one normalized field. */
export function simple<K extends keyof LoreEntry>(
  path: Path,
  field: K,
  read: (value: unknown, where: string) => LoreEntry[K],
  write: (value: LoreEntry[K]) => unknown = (v) => v,
): EntryAspect {
  return {
    paths: [path],
    read: (raw: Raw, where) => ({ [field]: read(getPath(raw, path), where(path)) }) as Partial<LoreEntry>,
    write: (entry) => [[path, write(entry[field])]],
  };
}

/** The top-level raw keys the aspects own (the rest of an entry is kept as unknown fields). */
export function ownedTopKeys(aspects: readonly EntryAspect[]): Set<string> {
  return new Set(aspects.flatMap((a) => a.paths.map((p) => p[0] as string)));
}

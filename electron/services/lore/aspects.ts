/**
 * Lossless encoding through "aspects". An aspect owns some raw fields of a format (world info's
 * `position`, `depth` and `role`, say) and turns them into normalized fields and back. When a
 * book is exported in the format it came in, each aspect whose normalized value did not change is
 * written back exactly as it was read (same keys, same spelling, absent stays absent); only the
 * aspects that changed are written afresh. Unknown fields are carried by the caller.
 */
import { deletePath, getPath, hasPath, isRecord, type Path, type Raw, setPath } from "./rawFields";

export interface Aspect<T> {
  paths: readonly Path[];
  read(raw: Raw, where: (path: Path) => string): Partial<T>;
  /**
   * The raw fields for `value` (undefined: leave the field out); `previous` is the raw it came
   * from, if any, for fields that do not matter to the value (a depth when the position has none).
   */
  write(value: T, previous: Raw | undefined): Array<readonly [Path, unknown]>;
}

export function readAspects<T>(aspects: readonly Aspect<T>[], raw: Raw, where: (path: Path) => string) {
  return Object.assign({}, ...aspects.map((a) => a.read(raw, where))) as Partial<T>;
}

/** Writes every aspect of `value` into `out`, restoring unchanged ones from `previous`. */
export function writeAspects<T>(
  aspects: readonly Aspect<T>[],
  value: T,
  previous: Raw | undefined,
  out: Raw,
): Raw {
  for (const aspect of aspects) {
    if (previous && unchanged(aspect, value, previous)) {
      for (const path of aspect.paths) {
        if (hasPath(previous, path)) setPath(out, path, structuredClone(getPath(previous, path)));
        else deletePath(out, path);
      }
    } else {
      for (const [path, v] of aspect.write(value, previous)) {
        if (v === undefined) deletePath(out, path);
        else setPath(out, path, v);
      }
    }
  }
  return out;
}

function unchanged<T>(aspect: Aspect<T>, value: T, previous: Raw): boolean {
  let before: Partial<T>;
  try {
    before = aspect.read(previous, (path) => path.join("."));
  } catch {
    return false;
  }
  return Object.entries(before).every(([key, v]) => sameJson(v, (value as Record<string, unknown>)[key]));
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every((k) => sameJson(a[k], b[k]));
  }
  return false;
}

/** `value` with its keys in `like`'s order first (nested objects too), the others after. */
export function orderLike(value: Raw, like: Raw | undefined): Raw {
  if (!like) return value;
  const out: Raw = {};
  for (const key of [...Object.keys(like), ...Object.keys(value)]) {
    if (!Object.hasOwn(value, key) || Object.hasOwn(out, key)) continue;
    const v = value[key];
    const l = like[key];
    out[key] = isRecord(v) && isRecord(l) ? orderLike(v, l) : v;
  }
  return out;
}

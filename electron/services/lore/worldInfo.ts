/**
 * SillyTavern world-info JSON ⇄ Lorebook. A world-info file is `{ entries: { "<uid>": entry } }`
 * (plus whatever else ST keeps, such as `originalData`); each entry has ST's camelCase fields.
 * Fields Masque does not model are kept in the entry's `extensions`, under the names a card book
 * gives them, and written back where they were.
 */
import { type Lorebook, type LoreEntry, type LoreSource, newLoreEntry } from "../../../shared/domain/lore";
import { orderLike, readAspects, writeAspects } from "./aspects";
import { type EntryAspect, ownedTopKeys, simple } from "./entryAspects";
import {
  describeValue,
  fail,
  isRecord,
  type Raw,
  readBoolean,
  readNullableBoolean,
  readNullableNumber,
  readNumber,
  readString,
  readStringList,
} from "./rawFields";
import {
  DEFAULT_DEPTH,
  extensionNameOf,
  logicCode,
  logicFromCode,
  positionCode,
  positionFromCode,
  roleCode,
  roleFromCode,
  worldInfoNameOf,
} from "./stEncoding";

const int = { integer: true } as const;

export const WORLD_INFO_ASPECTS: readonly EntryAspect[] = [
  simple(["comment"], "name", (v, w) => readString(v, w)),
  simple(["key"], "keys", readStringList),
  simple(["keysecondary"], "secondaryKeys", readStringList),
  simple(["selective"], "selective", (v, w) => readBoolean(v, w, true)),
  simple(["selectiveLogic"], "logic", (v, w) => logicFromCode(readNullableNumber(v, w, int), w), logicCode),
  simple(["content"], "content", (v, w) => readString(v, w)),
  simple(["constant"], "constant", (v, w) => readBoolean(v, w, false)),
  simple(
    ["disable"],
    "enabled",
    (v, w) => !readBoolean(v, w, false),
    (enabled) => !enabled,
  ),
  simple(["order"], "insertionOrder", (v, w) => readNumber(v, w, 100)),
  simple(
    ["priority"],
    "priority",
    (v, w) => readNullableNumber(v, w),
    (p) => p ?? undefined,
  ),
  {
    paths: [["position"], ["depth"], ["role"]],
    read: (raw, where) => ({
      position: positionFromCode(
        readNumber(raw.position, where(["position"]), 0, int),
        readNumber(raw.depth, where(["depth"]), DEFAULT_DEPTH, { ...int, min: 0 }),
        roleFromCode(readNullableNumber(raw.role, where(["role"]), int), where(["role"])),
      ),
    }),
    write: (entry, previous) => {
      const p = entry.position;
      return [
        [["position"], positionCode(p)],
        [["depth"], p.at === "depth" ? p.depth : (previous?.depth ?? DEFAULT_DEPTH)],
        [["role"], p.at === "depth" ? roleCode(p.role) : (previous?.role ?? 0)],
      ];
    },
  },
  {
    paths: [["probability"], ["useProbability"]],
    read: (raw, where) => {
      const used = readBoolean(raw.useProbability, where(["useProbability"]), true);
      const p = readNumber(raw.probability, where(["probability"]), 100, { min: 0, max: 100 });
      return { probability: used ? p : 100 };
    },
    write: (entry) => [
      [["probability"], entry.probability],
      [["useProbability"], true],
    ],
  },
  simple(["scanDepth"], "scanDepth", (v, w) => readNullableNumber(v, w, { ...int, min: 0, max: 1000 })),
  simple(["caseSensitive"], "caseSensitive", readNullableBoolean),
  simple(["matchWholeWords"], "wholeWords", readNullableBoolean),
  simple(["excludeRecursion"], "excludeRecursion", (v, w) => readBoolean(v, w, false)),
  simple(["preventRecursion"], "preventRecursion", (v, w) => readBoolean(v, w, false)),
  simple(["delayUntilRecursion"], "delayUntilRecursion", readDelay),
];

const OWNED = new Set([...ownedTopKeys(WORLD_INFO_ASPECTS), "uid"]);

/** `delayUntilRecursion` is `true`/`false` in older files and a level number in newer ones. */
function readDelay(value: unknown, where: string): number {
  if (value === true) return 1;
  if (value === false) return 0;
  return readNumber(value, where, 0, { integer: true, min: 0 });
}

export function decodeWorldInfo(json: unknown, fallbackName: string): Lorebook {
  if (!isRecord(json)) fail(`a world-info file must be a JSON object, not ${describeValue(json)}`);
  const entries = json.entries;
  if (!isRecord(entries)) {
    fail(`entries must be an object of entries keyed by uid, not ${describeValue(entries)}`);
  }
  // The entries are stored on their own; `null` keeps their place among the book's keys.
  const top: Raw = { ...json, entries: null };
  const used = new Set<number>();
  const decoded = Object.entries(entries).map(([key, raw]) => {
    const where = `entries[${JSON.stringify(key)}]`;
    if (!isRecord(raw)) fail(`${where} must be an object, not ${describeValue(raw)}`);
    const uid = pickUid([raw.uid, Number(key)], used);
    return decodeEntry(raw, key, uid, where);
  });
  const name = typeof top.name === "string" && top.name.trim() ? top.name : fallbackName;
  const source: LoreSource = { format: "worldinfo", raw: structuredClone(top) };
  if (name !== top.name) source.name = name;
  return {
    name,
    description: "",
    scanDepth: null,
    tokenBudget: null,
    recursiveScanning: null,
    entries: decoded,
    extensions: {},
    source,
  };
}

function decodeEntry(raw: Raw, key: string, uid: number, where: string): LoreEntry {
  const known = readAspects(WORLD_INFO_ASPECTS, raw, (path) => `${where}.${path.join(".")}`);
  const extensions: Raw = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!OWNED.has(field)) extensions[extensionNameOf(field)] = structuredClone(value);
  }
  return {
    ...newLoreEntry(uid),
    ...known,
    extensions,
    source: { format: "worldinfo", raw: structuredClone(raw), uid, key },
  };
}

export function encodeWorldInfo(book: Lorebook): Raw {
  const previous = book.source?.format === "worldinfo" ? book.source.raw : undefined;
  const out: Raw = previous ? structuredClone(previous) : {};
  const entries: Raw = {};
  book.entries.forEach((entry) => {
    const sameUid = entry.source?.format === "worldinfo" && entry.source.uid === entry.uid;
    const key = sameUid && entry.source?.key !== undefined ? entry.source.key : String(entry.uid);
    entries[key] = encodeEntry(entry);
  });
  out.entries = entries;
  if (previous && Object.hasOwn(previous, "name")) out.name = book.name;
  else if (previous && book.name !== book.source?.name) out.name = book.name;
  return orderLike(out, previous);
}

function encodeEntry(entry: LoreEntry): Raw {
  const previous = entry.source?.format === "worldinfo" ? entry.source.raw : undefined;
  const out: Raw = {};
  if (!previous || entry.source?.uid !== entry.uid) out.uid = entry.uid;
  else if (Object.hasOwn(previous, "uid")) out.uid = structuredClone(previous.uid);
  writeAspects(WORLD_INFO_ASPECTS, entry, previous, out);
  for (const [field, value] of Object.entries(entry.extensions)) {
    const name = worldInfoNameOf(field);
    if (!OWNED.has(name)) out[name] = structuredClone(value);
  }
  return orderLike(out, previous);
}

/** The first candidate that is a free non-negative whole number, else the next free one. */
export function pickUid(candidates: readonly unknown[], used: Set<number>): number {
  for (const candidate of candidates) {
    const n = typeof candidate === "string" && candidate.trim() !== "" ? Number(candidate) : candidate;
    if (typeof n === "number" && Number.isInteger(n) && n >= 0 && !used.has(n)) {
      used.add(n);
      return n;
    }
  }
  let next = used.size === 0 ? 0 : Math.max(...used) + 1;
  while (used.has(next)) next++;
  used.add(next);
  return next;
}

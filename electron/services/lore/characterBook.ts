/**
 * Card `character_book` (V2/V3) ⇄ Lorebook. The spec's fields are read as written; SillyTavern's
 * richer settings live in each entry's `extensions` (position code, depth, role, probability,
 * selective logic, scan depth, whole words, recursion flags) and are read from there. Other
 * extensions are kept in the entry's `extensions`; unknown top-level fields are kept in `source`.
 */
import type { Lorebook, LoreEntry, LoreSource } from "../../../shared/domain/lore";
import { newLoreEntry } from "../../../shared/domain/lore";
import { type Aspect, orderLike, readAspects, writeAspects } from "./aspects";
import { type EntryAspect, ownedTopKeys, simple } from "./entryAspects";
import {
  describeValue,
  fail,
  getPath,
  isRecord,
  type Raw,
  readBoolean,
  readNullableBoolean,
  readNullableNumber,
  readNumber,
  readObject,
  readString,
  readStringList,
} from "./rawFields";
import {
  DEFAULT_DEPTH,
  logicCode,
  logicFromCode,
  positionCode,
  positionFromCode,
  roleCode,
  roleFromCode,
} from "./stEncoding";
import { pickUid } from "./worldInfo";

const int = { integer: true } as const;
const ext = (key: string) => ["extensions", key] as const;

export const CHARACTER_BOOK_ASPECTS: readonly EntryAspect[] = [
  {
    paths: [["comment"], ["name"]],
    read: (raw, where) => ({
      name: readString(raw.comment, where(["comment"])) || readString(raw.name, where(["name"])),
    }),
    write: (entry, previous) => [
      [["comment"], entry.name],
      [["name"], previous && Object.hasOwn(previous, "name") ? entry.name : undefined],
    ],
  },
  simple(["keys"], "keys", readStringList),
  simple(["secondary_keys"], "secondaryKeys", readStringList),
  simple(["selective"], "selective", (v, w) => readBoolean(v, w, false)),
  simple(["content"], "content", (v, w) => readString(v, w)),
  simple(["constant"], "constant", (v, w) => readBoolean(v, w, false)),
  simple(["enabled"], "enabled", (v, w) => readBoolean(v, w, true)),
  simple(["insertion_order"], "insertionOrder", (v, w) => readNumber(v, w, 100)),
  simple(
    ["priority"],
    "priority",
    (v, w) => readNullableNumber(v, w),
    (p) => p ?? undefined,
  ),
  {
    paths: [["case_sensitive"], ext("case_sensitive")],
    read: (raw, where) => ({
      caseSensitive:
        readNullableBoolean(getPath(raw, ext("case_sensitive")), where(ext("case_sensitive"))) ??
        readNullableBoolean(raw.case_sensitive, where(["case_sensitive"])),
    }),
    write: (entry) => [
      [ext("case_sensitive"), entry.caseSensitive],
      [["case_sensitive"], entry.caseSensitive ?? undefined],
    ],
  },
  {
    paths: [["position"], ext("position"), ext("depth"), ext("role")],
    read: (raw, where) => {
      const stCode = readNullableNumber(getPath(raw, ext("position")), where(ext("position")), int);
      const named = readString(raw.position, where(["position"]));
      const role = readNullableNumber(getPath(raw, ext("role")), where(ext("role")), int);
      return {
        position: positionFromCode(
          stCode ?? (named === "before_char" ? 0 : 1),
          readNumber(getPath(raw, ext("depth")), where(ext("depth")), DEFAULT_DEPTH, { ...int, min: 0 }),
          roleFromCode(role, where(ext("role"))),
        ),
      };
    },
    write: (entry, previous) => {
      const p = entry.position;
      const code = positionCode(p);
      return [
        [["position"], code === 0 ? "before_char" : "after_char"],
        [ext("position"), code],
        [ext("depth"), p.at === "depth" ? p.depth : (getPath(previous ?? {}, ext("depth")) ?? DEFAULT_DEPTH)],
        [ext("role"), p.at === "depth" ? roleCode(p.role) : (getPath(previous ?? {}, ext("role")) ?? 0)],
      ];
    },
  },
  {
    paths: [ext("probability"), ext("useProbability")],
    read: (raw, where) => {
      const used = readBoolean(getPath(raw, ext("useProbability")), where(ext("useProbability")), true);
      const p = readNumber(getPath(raw, ext("probability")), where(ext("probability")), 100, {
        min: 0,
        max: 100,
      });
      return { probability: used ? p : 100 };
    },
    write: (entry) => [
      [ext("probability"), entry.probability],
      [ext("useProbability"), true],
    ],
  },
  simple(
    ext("selectiveLogic"),
    "logic",
    (v, w) => logicFromCode(readNullableNumber(v, w, int), w),
    logicCode,
  ),
  simple(ext("scan_depth"), "scanDepth", (v, w) => readNullableNumber(v, w, { ...int, min: 0, max: 1000 })),
  simple(ext("match_whole_words"), "wholeWords", readNullableBoolean),
  simple(ext("exclude_recursion"), "excludeRecursion", (v, w) => readBoolean(v, w, false)),
  simple(ext("prevent_recursion"), "preventRecursion", (v, w) => readBoolean(v, w, false)),
  simple(ext("delay_until_recursion"), "delayUntilRecursion", (v, w) =>
    v === true ? 1 : v === false ? 0 : readNumber(v, w, 0, { ...int, min: 0 }),
  ),
];

const OWNED_TOP = new Set([...ownedTopKeys(CHARACTER_BOOK_ASPECTS), "id"]);
const OWNED_EXTENSIONS = new Set(
  CHARACTER_BOOK_ASPECTS.flatMap((a) => a.paths.filter((p) => p[0] === "extensions").map((p) => p[1])),
);

type BookFields = Omit<Lorebook, "entries" | "source" | "extensions">;

const BOOK_ASPECTS: readonly Aspect<BookFields>[] = [
  bookField("name", (v, w) => readString(v, w)),
  bookField("description", (v, w) => readString(v, w)),
  bookField("scan_depth", (v, w) => readNullableNumber(v, w, { ...int, min: 0, max: 1000 }), "scanDepth"),
  bookField("token_budget", (v, w) => readNullableNumber(v, w, { ...int, min: 0 }), "tokenBudget"),
  bookField("recursive_scanning", readNullableBoolean, "recursiveScanning"),
];

function bookField<K extends keyof BookFields>(
  rawKey: string,
  read: (value: unknown, where: string) => BookFields[K],
  field: K = rawKey as K,
): Aspect<BookFields> {
  return {
    paths: [[rawKey]],
    read: (raw, where) => ({ [field]: read(raw[rawKey], where([rawKey])) }) as Partial<BookFields>,
    write: (book) => [[[rawKey], book[field] === null || book[field] === "" ? undefined : book[field]]],
  };
}

const BOOK_OWNED = new Set(["name", "description", "scan_depth", "token_budget", "recursive_scanning"]);

/**
 * `where` prefixes messages ("character_book" for a card's book). `wrapper` is a standalone
 * file's `{spec: "lorebook_v3", ...}` around the book, kept so the file exports back the same.
 */
export function decodeCharacterBook(
  json: unknown,
  fallbackName: string,
  where = "",
  wrapper?: Raw,
): Lorebook {
  const at = (path: string) => (where ? `${where}.${path}` : path);
  if (!isRecord(json)) fail(`${where || "the lorebook"} must be a JSON object, not ${describeValue(json)}`);
  if (!Array.isArray(json.entries))
    fail(`${at("entries")} must be a list, not ${describeValue(json.entries)}`);
  const known = readAspects(BOOK_ASPECTS, json, (path) => at(path.join(".")));
  const used = new Set<number>();
  const entries = json.entries.map((raw, i) => {
    const entryWhere = at(`entries[${i}]`);
    if (!isRecord(raw)) fail(`${entryWhere} must be an object, not ${describeValue(raw)}`);
    return decodeEntry(raw, pickUid([raw.id, i], used), entryWhere);
  });
  // The entries are stored on their own; `null` keeps their place among the book's keys.
  const top: Raw = { ...json, entries: null };
  const source: LoreSource = { format: "character_book", raw: structuredClone(top) };
  if (wrapper) source.wrapper = structuredClone(wrapper);
  const name = known.name?.trim() ? known.name : fallbackName;
  if (name !== known.name) source.name = name;
  return {
    name,
    description: known.description ?? "",
    scanDepth: known.scanDepth ?? null,
    tokenBudget: known.tokenBudget ?? null,
    recursiveScanning: known.recursiveScanning ?? null,
    entries,
    extensions: structuredClone(readObject(json.extensions, at("extensions"))),
    source,
  };
}

function decodeEntry(raw: Raw, uid: number, where: string): LoreEntry {
  const known = readAspects(CHARACTER_BOOK_ASPECTS, raw, (path) => `${where}.${path.join(".")}`);
  const extensions: Raw = {};
  for (const [key, value] of Object.entries(readObject(raw.extensions, `${where}.extensions`))) {
    if (!OWNED_EXTENSIONS.has(key)) extensions[key] = structuredClone(value);
  }
  return {
    ...newLoreEntry(uid),
    ...known,
    extensions,
    source: { format: "character_book", raw: structuredClone(raw), uid },
  };
}

/** The book as a card's `character_book` (or, for a standalone V3 file, wrapped as it came). */
export function encodeCharacterBook(book: Lorebook): Raw {
  const previous = book.source?.format === "character_book" ? book.source.raw : undefined;
  const out: Raw = {};
  if (previous) {
    for (const [key, value] of Object.entries(previous)) {
      if (!BOOK_OWNED.has(key) && key !== "extensions" && key !== "entries")
        out[key] = structuredClone(value);
    }
  }
  const { entries, source: _source, extensions, ...fields } = book;
  // A book that came from world info has a name only Masque gave it; write it anyway (cards expect one).
  writeAspects(BOOK_ASPECTS, fields, previous, out);
  const nameWasGiven = previous && !Object.hasOwn(previous, "name") && book.name === book.source?.name;
  if (nameWasGiven) delete out.name;
  else out.name = book.name;
  out.extensions = structuredClone(extensions);
  out.entries = entries.map(encodeEntry);
  const encoded = orderLike(out, previous);
  const wrapper = book.source?.format === "character_book" ? book.source.wrapper : undefined;
  return wrapper ? orderLike({ ...structuredClone(wrapper), data: encoded }, wrapper) : encoded;
}

/** The bare book, even for a standalone V3 file (what a card embeds). */
export function encodeEmbeddedBook(book: Lorebook): Raw {
  const encoded = encodeCharacterBook(book);
  return book.source?.format === "character_book" && book.source.wrapper ? (encoded.data as Raw) : encoded;
}

function encodeEntry(entry: LoreEntry): Raw {
  const previous = entry.source?.format === "character_book" ? entry.source.raw : undefined;
  const out: Raw = {};
  if (!previous || entry.source?.uid !== entry.uid) out.id = entry.uid;
  else if (Object.hasOwn(previous, "id")) out.id = structuredClone(previous.id);
  if (previous) {
    for (const [key, value] of Object.entries(previous)) {
      if (!OWNED_TOP.has(key) && key !== "extensions") out[key] = structuredClone(value);
    }
  }
  writeAspects(CHARACTER_BOOK_ASPECTS, entry, previous, out);
  out.extensions = { ...readObject(out.extensions, "extensions"), ...structuredClone(entry.extensions) };
  if (!previous && !("use_regex" in out)) out.use_regex = true;
  return orderLike(out, previous);
}

/** Generators of character card files for the fuzz tests: JSON values, PNG chunks, CHARX entries. */
import fc from "fast-check";
import {
  b64json,
  buildPng,
  buildZip,
  IEND,
  imageChunks,
  itxtChunk,
  jsonBytes,
  type RawChunk,
  type RawZipEntry,
  textChunk,
  ztxtChunk,
} from "../../fixtures/cards/builders";
import {
  charxCard,
  charxFile,
  ICON_PNG,
  ST_HYBRID,
  V1_CARD,
  V2_CARD,
  V3_CARD,
} from "../../fixtures/cards/cards";
import { awkwardJson, awkwardString, mutatedBytes, mutatedJson } from "./arbitraries";

export const cardJson = fc.oneof(
  mutatedJson(V1_CARD),
  mutatedJson(V2_CARD),
  mutatedJson(V3_CARD),
  mutatedJson(ST_HYBRID),
  awkwardJson,
);

/** A V2 card whose lorebook alone is mutated (the world-info Masque reads today). */
export const lorebookCard = mutatedJson(V2_CARD.data.character_book).map((book) => ({
  ...V2_CARD,
  data: { ...V2_CARD.data, character_book: book },
}));

const keyword = fc.constantFrom(
  "chara",
  "ccv3",
  "CHARA",
  "Ccv3",
  "chara-ext-asset_:0",
  "chara-ext-asset_:../x",
  "tEXt",
  "",
);
const chunkText = fc.oneof(
  cardJson.map((v) => b64json(v)),
  cardJson.map((v) => JSON.stringify(v) ?? ""),
  // tEXt is Latin-1: anything beyond it becomes "?".
  awkwardString.map((s) => Array.from(s, (c) => ((c.codePointAt(0) ?? 0) > 0xff ? "?" : c)).join("")),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString("base64")),
);
const textChunkArb: fc.Arbitrary<RawChunk> = fc
  .tuple(fc.constantFrom("tEXt", "zTXt", "iTXt-plain", "iTXt-zip"), keyword, chunkText)
  .map(([kind, key, text]) => {
    if (kind === "tEXt") return textChunk(key, text);
    if (kind === "zTXt") return ztxtChunk(key, text);
    return itxtChunk(key, text, kind === "iTXt-zip");
  });
const otherChunk: fc.Arbitrary<RawChunk> = fc.record({
  type: fc.constantFrom("IHDR", "IDAT", "IEND", "tIME", "prVt", "acTL", "fcTL"),
  data: fc.uint8Array({ maxLength: 32 }),
});
export const pngFile = fc
  .tuple(fc.array(fc.oneof(textChunkArb, otherChunk), { maxLength: 5 }), fc.boolean())
  .map(([chunks, withIend]) => buildPng([...imageChunks(), ...chunks, ...(withIend ? [IEND] : [])]));

const zipPath = fc.oneof(
  fc.constantFrom(
    "card.json",
    "assets/icon/images/main.png",
    "assets/other/audio/hello.mp3",
    "x/card.json",
    "assets/",
    "../up.png",
    "/abs.png",
    "C:\\win.png",
    "a//b",
    "./a",
    "a\u0000b",
    "é.png",
  ),
  awkwardString.map((s) => s.slice(0, 300)),
);
const zipEntry: fc.Arbitrary<RawZipEntry> = fc.record(
  {
    path: zipPath,
    data: fc.oneof(
      cardJson.map((v) => jsonBytes(v)),
      fc.uint8Array({ maxLength: 64 }),
      fc.constant(ICON_PNG),
    ),
    deflate: fc.boolean(),
    flags: fc.constantFrom(0, 1, 0x800, 0x8),
    declaredSize: fc.nat({ max: 200 }),
    unixMode: fc.constantFrom(0o100644, 0o120777, 0o040755),
    localPath: zipPath,
  },
  { requiredKeys: ["path", "data"] },
);
export const charxArb = fc.oneof(
  fc.array(zipEntry, { maxLength: 5 }).map((entries) => buildZip(entries)),
  fc
    .array(zipEntry, { maxLength: 3 })
    .map((extra) => buildZip([{ path: "card.json", data: jsonBytes(charxCard()) }, ...extra])),
  mutatedJson(charxCard()).map((card) => charxFile(card)),
);

/** Valid card files with a few damaged bytes. */
export const damagedCardBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  mutatedBytes(buildPng([...imageChunks(), textChunk("chara", b64json(V2_CARD)), IEND])),
  mutatedBytes(charxFile()),
  mutatedBytes(jsonBytes(V3_CARD)),
);

/** Any of the above, as the bytes of a file. */
export const cardFileBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  cardJson.map((v) => jsonBytes(v)),
  lorebookCard.map((v) => jsonBytes(v)),
  pngFile,
  charxArb,
  damagedCardBytes,
);

/**
 * Character cards, random and mutated: JSON (V1, V2, V3 and the lorebook in `character_book`),
 * PNG chunks and CHARX zips. A file either imports or is refused with CARD_INVALID (never another
 * exception); whatever imports can be exported in every format, and every export imports again
 * to the same card data.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportCard, type ParsedCard, parseCardFile } from "../../../electron/services/cards";
import type { CardExportFormat } from "../../../shared/domain/library";
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
import { awkwardJson, awkwardString, mutatedBytes, mutatedJson, namedOutcome } from "./arbitraries";
import { fuzzOptions, fuzzTimeout } from "./runs";

const FORMATS: CardExportFormat[] = ["v2", "v3", "png", "charx"];
const CARD_INVALID = ["CARD_INVALID"];

/** Imports `bytes`; when that works, exports in every format and imports each export again. */
function checkCard(bytes: Uint8Array, fileName: string): void {
  const parsed = namedOutcome(() => parseCardFile(bytes, fileName), CARD_INVALID);
  if (parsed === undefined) return;
  expect(() => JSON.stringify(parsed.card)).not.toThrow();
  for (const format of FORMATS) {
    const out = namedOutcome(
      () => exportCard(parsed.card, { avatar: parsed.avatar, assets: parsed.assets }, format),
      CARD_INVALID,
    );
    if (out === undefined) continue;
    const back = parseCardFile(out.data, `again.${format}`);
    expectSameData(back, parsed, format);
  }
}

function expectSameData(back: ParsedCard, parsed: ParsedCard, format: CardExportFormat): void {
  // JSON has no undefined and no -0: compare the data as JSON would carry it.
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
  const expected = plain(parsed.card.data);
  const actual = plain(back.card.data);
  if (format === "charx" && parsed.avatar !== null) {
    // By design the avatar travels as the card's icon asset, replacing a `ccdefault:` icon.
    delete expected.assets;
    delete actual.assets;
  }
  if (format === "v2" || parsed.card.spec === "chara_card_v3") {
    expect(actual, format).toEqual(format === "v2" ? expected : expect.objectContaining(expected));
  } else {
    // A V2 card exported as V3 gains what V3 requires (group_only_greetings, lorebook flags).
    expect(actual.name, format).toBe(expected.name);
    expect(actual.description, format).toBe(expected.description);
    expect(actual.extensions, format).toEqual(expected.extensions);
  }
}

const cardJson = fc.oneof(
  mutatedJson(V1_CARD),
  mutatedJson(V2_CARD),
  mutatedJson(V3_CARD),
  mutatedJson(ST_HYBRID),
  awkwardJson,
);

/** A V2 card whose lorebook alone is mutated (the world-info Masque reads today). */
const lorebookCard = mutatedJson(V2_CARD.data.character_book).map((book) => ({
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
  awkwardString.map((s) => s.replace(/[^\x00-\xff]/g, "?")),
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
const pngFile = fc
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
const charxArb = fc.oneof(
  fc.array(zipEntry, { maxLength: 5 }).map((entries) => buildZip(entries)),
  fc
    .array(zipEntry, { maxLength: 3 })
    .map((extra) => buildZip([{ path: "card.json", data: jsonBytes(charxCard()) }, ...extra])),
  mutatedJson(charxCard()).map((card) => charxFile(card)),
);

describe("fuzzed character cards", { timeout: fuzzTimeout() }, () => {
  it("JSON cards (V1, V2, V3, SillyTavern hybrid, anything) import or are refused by name", () => {
    fc.assert(
      fc.property(cardJson, (value) => checkCard(jsonBytes(value), "fuzz.json")),
      fuzzOptions(300),
    );
  });

  it("lorebooks (character_book) import or are refused by name", () => {
    fc.assert(
      fc.property(lorebookCard, (value) => checkCard(jsonBytes(value), "book.json")),
      fuzzOptions(200),
    );
  });

  it("PNG cards built from random chunks import or are refused by name", () => {
    fc.assert(
      fc.property(pngFile, (bytes) => checkCard(bytes, "fuzz.png")),
      fuzzOptions(300),
    );
  });

  it("PNG, CHARX and JSON cards with damaged bytes import or are refused by name", () => {
    const png = buildPng([...imageChunks(), textChunk("chara", b64json(V2_CARD)), IEND]);
    const bytes = fc.oneof(mutatedBytes(png), mutatedBytes(charxFile()), mutatedBytes(jsonBytes(V3_CARD)));
    fc.assert(
      fc.property(bytes, (b) => checkCard(b, "damaged.card")),
      fuzzOptions(300),
    );
  });

  it("CHARX archives built from random entries import or are refused by name", () => {
    fc.assert(
      fc.property(charxArb, (bytes) => checkCard(bytes, "fuzz.charx")),
      fuzzOptions(300),
    );
  });
});

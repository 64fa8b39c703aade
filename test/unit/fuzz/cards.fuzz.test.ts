/**
 * Character cards, random and mutated: JSON (V1, V2, V3 and the lorebook in `character_book`),
 * PNG chunks and CHARX zips. A file either imports or is refused with CARD_INVALID (never another
 * exception); whatever imports can be exported in every format, and every export imports again
 * to the same card data.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportCard, type ParsedCard, parseCardFile } from "../../../electron/services/cards";
import { cardDataPatchSchema } from "../../../shared/api/contract";
import type { CardExportFormat } from "../../../shared/domain/library";
import { jsonBytes } from "../../fixtures/cards/builders";
import { namedOutcome } from "./arbitraries";
import { cardJson, charxArb, damagedCardBytes, lorebookCard, pngFile } from "./cardArbitraries";
import { fuzzOptions, fuzzTimeout } from "./runs";

const FORMATS: CardExportFormat[] = ["v2", "v3", "png", "charx"];
const CARD_INVALID = ["CARD_INVALID"];

/** Imports `bytes`; when that works, exports in every format and imports each export again. */
function checkCard(bytes: Uint8Array, fileName: string): void {
  const parsed = namedOutcome(() => parseCardFile(bytes, fileName), CARD_INVALID);
  if (parsed === undefined) return;
  expect(() => JSON.stringify(parsed.card)).not.toThrow();
  // The editor can save it back: its fields pass the editor's own schema.
  const fields = Object.keys(cardDataPatchSchema.shape).filter((key) => key in parsed.card.data);
  const patch = Object.fromEntries(fields.map((key) => [key, parsed.card.data[key]]));
  const saved = cardDataPatchSchema.safeParse(patch);
  expect(saved.success, JSON.stringify(saved.error?.issues ?? []).slice(0, 300)).toBe(true);
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
    fc.assert(
      fc.property(damagedCardBytes, (b) => checkCard(b, "damaged.card")),
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

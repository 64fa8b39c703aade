import { describe, expect, it } from "vitest";
import { exportCard, parseCardFile } from "../../../electron/services/cards";
import { readZip, type ZipLimits } from "../../../electron/services/cards/zip";
import { b64json, buildZip, clone, enc, jsonBytes, pngCard, textChunk } from "../../fixtures/cards/builders";
import { charxCard, charxFile, ICON_PNG, V2_CARD } from "../../fixtures/cards/cards";
import { bytesOf, expectCardInvalid } from "./helpers";

const good = pngCard([textChunk("chara", b64json(V2_CARD))]);
const parse =
  (bytes: Uint8Array, name = "broken.png") =>
  () =>
    parseCardFile(bytes, name);

describe("broken PNG cards", () => {
  it("names the file and says the PNG is truncated", () => {
    const error = expectCardInvalid(parse(good.subarray(0, good.length - 6)), /truncated/);
    expect(error.message.startsWith("broken.png: ")).toBe(true);
    expectCardInvalid(parse(good.subarray(0, good.length - 12)), /truncated \(no IEND chunk\)/);
  });

  it("detects a CRC mismatch", () => {
    const bad = new Uint8Array(good);
    bad[42] = (bad[42] ?? 0) ^ 0xff; // inside the tIME chunk data (bytes 41-47)
    expectCardInvalid(parse(bad), /fails its CRC check/);
  });

  it("refuses a PNG without chara or ccv3 chunk", () => {
    expectCardInvalid(parse(pngCard([textChunk("Comment", "just a picture")])), /no character data/);
  });

  it("refuses bad base64, invalid UTF-8 and invalid JSON in the chunk", () => {
    expectCardInvalid(
      parse(pngCard([textChunk("chara", "@@not base64@@")])),
      /chara chunk: its text is not valid base64/,
    );
    const notUtf8 = Buffer.from([0xff, 0xfe, 0x7b]).toString("base64");
    expectCardInvalid(
      parse(pngCard([textChunk("ccv3", notUtf8)])),
      /ccv3 chunk: its text is not valid UTF-8/,
    );
    const notJson = Buffer.from('{"spec": chara').toString("base64");
    expectCardInvalid(
      parse(pngCard([textChunk("chara", notJson)])),
      /chara chunk: its text is not valid JSON/,
    );
  });

  it("reports the ccv3 problem when both chunks are broken", () => {
    expectCardInvalid(
      parse(pngCard([textChunk("chara", "%%"), textChunk("ccv3", "%%")])),
      /ccv3 chunk: .*base64/,
    );
  });

  it("refuses a card chunk whose JSON is not a card", () => {
    expectCardInvalid(
      parse(pngCard([textChunk("chara", b64json({ spec: "chara_card_v2", data: {} }))])),
      /missing name/,
    );
  });
});

describe("broken CHARX cards", () => {
  it("refuses a zip without card.json, and says where a nested one is", () => {
    expectCardInvalid(
      parse(buildZip([{ path: "other.json", data: jsonBytes({}) }]), "x.charx"),
      /no card\.json/,
    );
    const nested = buildZip([{ path: "inner/card.json", data: jsonBytes(charxCard()) }]);
    expectCardInvalid(parse(nested, "x.charx"), /not at the root .*inner\/card\.json/);
  });

  it("refuses a corrupt or truncated zip", () => {
    const zip = charxFile();
    expectCardInvalid(parse(zip.subarray(0, zip.length - 30), "x.charx"), /not a valid zip/);
    const junk = new Uint8Array(200).fill(7);
    junk.set([0x50, 0x4b, 3, 4]);
    expectCardInvalid(parse(junk, "x.charx"), /not a valid zip/);
  });

  it("refuses corrupt entry data (deflate error, CRC mismatch)", () => {
    const zip = new Uint8Array(
      buildZip([{ path: "card.json", data: jsonBytes(charxCard()), deflate: true }]),
    );
    zip[40] = (zip[40] ?? 0) ^ 0xff;
    expectCardInvalid(parse(zip, "x.charx"), /"card\.json" is corrupt/);
    const stored = new Uint8Array(buildZip([{ path: "card.json", data: jsonBytes(charxCard()) }]));
    stored[45] = (stored[45] ?? 0) ^ 0x01;
    expectCardInvalid(parse(stored, "x.charx"), /"card\.json" is corrupt \(CRC mismatch\)/);
  });

  it("refuses encrypted entries and unknown compression methods", () => {
    const encrypted = buildZip([{ path: "card.json", data: jsonBytes(charxCard()), flags: 1 }]);
    expectCardInvalid(parse(encrypted, "x.charx"), /"card\.json" is encrypted/);
    const bzip = new Uint8Array(buildZip([{ path: "card.json", data: jsonBytes(charxCard()) }]));
    const central = Buffer.from(bzip).lastIndexOf(Buffer.from([0x50, 0x4b, 1, 2]));
    bzip[central + 10] = 12;
    expectCardInvalid(parse(bzip, "x.charx"), /unsupported compression method 12/);
  });

  it.each([
    ["../evil.txt", /"\.\.\/evil\.txt" is refused: its path contains \.\./],
    ["assets/../../evil.txt", /contains \.\./],
    ["/etc/x", /"\/etc\/x" is refused: its path is absolute/],
    ["C:\\x", /"C:\\x" is refused: its path contains a backslash/],
    ["C:/x", /starts with a drive letter/],
    ["assets/a\0b", /NUL or control character/],
    [`assets/${"a".repeat(260)}`, /longer than 255 characters/],
    ["assets//x", /empty or \. segment/],
  ])("refuses the whole archive for the unsafe path %j", (path, reason) => {
    const zip = charxFile(charxCard(), [{ path, data: enc.encode("evil") }]);
    expectCardInvalid(parse(zip, "slip.charx"), reason);
  });

  it("refuses more than 2000 entries", () => {
    const entries = Array.from({ length: 2001 }, (_, i) => ({ path: `f${i}`, data: new Uint8Array(0) }));
    expectCardInvalid(parse(buildZip(entries), "many.charx"), /too many entries: 2001 \(limit 2000\)/);
  });

  it("refuses more than 116 MB declared uncompressed (all assets plus card.json), before inflating anything", () => {
    const zip = charxFile(charxCard(), [
      { path: "big.bin", data: new Uint8Array(10), declaredSize: 300 * 1024 * 1024 },
    ]);
    expectCardInvalid(parse(zip, "big.charx"), /too large: 300 MB uncompressed \(limit 116 MB\)/);
  });

  it("stops an entry that inflates beyond its declared size", () => {
    const zip = buildZip([
      { path: "card.json", data: new Uint8Array(100_000), deflate: true, declaredSize: 10 },
    ]);
    expectCardInvalid(parse(zip, "bomb.charx"), /"card\.json" inflates beyond its declared size/);
  });

  it("applies the limits it is given (honest sizes)", () => {
    const limits: ZipLimits = { maxEntries: 3, maxTotalBytes: 1000 };
    const zip = buildZip([{ path: "a", data: new Uint8Array(5000), deflate: true }]);
    expect(() => readZip(zip, limits)).toThrow(/too large: 5000 bytes uncompressed \(limit 1000 bytes\)/);
    const four = buildZip(["a", "b", "c", "d"].map((path) => ({ path, data: new Uint8Array(1) })));
    expect(() => readZip(four, limits)).toThrow(/too many entries: 4 \(limit 3\)/);
  });

  it("names card.json when its JSON is broken", () => {
    const zip = buildZip([{ path: "card.json", data: enc.encode("{nope") }]);
    expectCardInvalid(parse(zip, "x.charx"), /card\.json: the file is not valid JSON/);
  });
});

describe("JSON that is not a card", () => {
  const json = (value: unknown) => parse(jsonBytes(value), "card.json");

  it("refuses an array, an empty file and unknown bytes", () => {
    expectCardInvalid(json([V2_CARD]), /card\.json: the card must be a JSON object, not an array/);
    expectCardInvalid(parse(new Uint8Array(0), "e.json"), /the file is empty/);
    expectCardInvalid(parse(bytesOf("name: x"), "e.txt"), /not a character card/);
    expectCardInvalid(parse(bytesOf("{ broken"), "e.json"), /the file is not valid JSON/);
  });

  it("refuses a missing or empty name", () => {
    const noName = clone(V2_CARD) as { data: Record<string, unknown> };
    delete noName.data.name;
    expectCardInvalid(json(noName), /missing name/);
    expectCardInvalid(
      json({ ...V2_CARD, data: { ...V2_CARD.data, name: "  " } }),
      /missing name \(name is empty\)/,
    );
    expectCardInvalid(json({ description: "no name" }), /missing name/);
    expectCardInvalid(json({ char_name: "Gradio" }), /missing name \(char_name suggests/);
  });

  it("says which field is wrong", () => {
    const data = V2_CARD.data;
    expectCardInvalid(
      json({ ...V2_CARD, data: { ...data, name: { first: "M" } } }),
      /name must be a string, not an object/,
    );
    expectCardInvalid(
      json({ ...V2_CARD, data: { ...data, description: ["x"] } }),
      /description must be a string, not an array/,
    );
    expectCardInvalid(
      json({ ...V2_CARD, data: { ...data, tags: { a: 1 } } }),
      /tags must be a list of strings, not an object/,
    );
    expectCardInvalid(
      json({ ...V2_CARD, data: { ...data, alternate_greetings: [{}] } }),
      /alternate_greetings\[0\] must be a string/,
    );
    expectCardInvalid(
      json({ ...V2_CARD, data: { ...data, character_book: [] } }),
      /character_book must be an object, not an array/,
    );
    const entries = { ...data.character_book, entries: [data.character_book.entries[0], "x"] };
    expectCardInvalid(
      json({ ...V2_CARD, data: { ...data, character_book: entries } }),
      /character_book\.entries\[1\] must be an object/,
    );
    expectCardInvalid(
      json({ spec: "lorebook_v3", data: {} }),
      /spec "lorebook_v3" is not a character card spec/,
    );
    expectCardInvalid(json({ spec: 2, data }), /spec must be a string, not a number/);
    expectCardInvalid(
      json({ spec: "chara_card_v2", data: "x" }),
      /data must be an object for spec chara_card_v2, not a string/,
    );
    expectCardInvalid(
      json({ spec: "chara_card_v3", data: { ...data, assets: {} } }),
      /assets must be a list, not an object/,
    );
  });

  it("refuses a card the editor could not save back: extensions too deep for the card's own export", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 98; i++) deep = [deep];
    // 100 levels as a V1 card, so it parses; as a V2 export it would be 101 levels and unreadable.
    expectCardInvalid(
      () => parseCardFile(jsonBytes({ name: "Deep V1", extensions: { x: deep } }), "v1.json"),
      /^v1\.json: extensions is nested deeper than 98 levels/,
    );
  });

  it("refuses a V1 card whose unknown keys are too deep for its V2 export (found by fuzzing)", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 98; i++) deep = [deep];
    expectCardInvalid(
      () => parseCardFile(jsonBytes({ name: "Deep V1", creatorcomment: { x: deep } }), "v1.json"),
      /^v1\.json: the card's data is nested deeper than 99 levels, too deep for its own export/,
    );
  });

  it("drops blank tags with a warning, since the editor refuses them", () => {
    const parsed = parseCardFile(
      jsonBytes({ ...V2_CARD, data: { ...V2_CARD.data, tags: ["a", " ", "", "b"] } }),
      "t.json",
    );
    expect(parsed.card.data.tags).toEqual(["a", "b"]);
    expect(parsed.warnings).toContain("tags: 2 blank tags removed");
  });

  it("checks an asset list in a V2 card as in a V3 one, since a V3 export keeps it (found by fuzzing)", () => {
    const broken = { ...V2_CARD, data: { ...V2_CARD.data, assets: [{ type: "icon" }] } };
    expectCardInvalid(
      () => parseCardFile(jsonBytes(broken), "v2.json"),
      /assets\[0\]\.uri must be a string, not undefined/,
    );
    const fine = { ...V2_CARD, data: { ...V2_CARD.data, assets: [{ type: "icon", uri: "ccdefault:" }] } };
    const parsed = parseCardFile(jsonBytes(fine), "v2.json");
    const again = parseCardFile(
      exportCard(parsed.card, { avatar: null, assets: [] }, "v3").data,
      "again.json",
    );
    expect(again.card.data.assets).toEqual(fine.data.assets);
  });
});

describe("export refusals", () => {
  const card = parseCardFile(jsonBytes(V2_CARD), "m.json").card;

  it("refuses a broken avatar PNG", () => {
    const broken = ICON_PNG.subarray(0, ICON_PNG.length - 5);
    expectCardInvalid(
      () => exportCard(card, { avatar: { mime: "image/png", data: broken }, assets: [] }, "png"),
      /the avatar is a broken PNG/,
    );
  });

  it("refuses unsafe or duplicate asset paths in a CHARX export", () => {
    const asset = (path: string) => ({ path, mime: "text/plain", data: enc.encode("x") });
    const charx = (paths: string[]) => () =>
      exportCard(card, { avatar: null, assets: paths.map(asset) }, "charx");
    expectCardInvalid(charx(["../x"]), /asset path "\.\.\/x" contains \.\./);
    expectCardInvalid(charx(["card.json"]), /"card\.json" is reserved/);
    expectCardInvalid(charx(["a", "a"]), /"a" appears twice/);
  });
});

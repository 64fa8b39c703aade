import { describe, expect, it } from "vitest";
import { exportCard, type ParsedCard, parseCardFile } from "../../../electron/services/cards";
import { V3_BACKFILL_NOTE } from "../../../electron/services/cards/convert";
import { readPngChunks } from "../../../electron/services/cards/png";
import { textKeyword, textValue } from "../../../electron/services/cards/pngText";
import { readZip } from "../../../electron/services/cards/zip";
import type { CardExportFormat } from "../../../shared/domain/library";
import { apngChunks, b64json, clone, jsonBytes, pngCard, textChunk } from "../../fixtures/cards/builders";
import {
  charxFile,
  EXTRA_ASSET,
  ICON_PNG,
  RISU_MODULE,
  ST_HYBRID,
  V2_CARD,
  V3_CARD,
  V3_REMOTE_ASSET_WARNING,
} from "../../fixtures/cards/cards";
import { jsonOf } from "./helpers";

function again(parsed: ParsedCard, format: CardExportFormat, name = "again") {
  const out = exportCard(parsed.card, { avatar: parsed.avatar, assets: parsed.assets }, format);
  return { out, back: parseCardFile(out.data, `${name}.${format}`) };
}

function expectV2Fields(card: ParsedCard["card"]) {
  const { data } = card;
  expect(data.name).toBe("Mira");
  expect(data.system_prompt).toBe("You are {{char}}. {{original}}");
  expect(data.alternate_greetings).toEqual(["Back again?", "*waves*"]);
  expect(data.tags).toEqual(["fantasy", "guide"]);
  expect(data.character_book?.entries.map((e) => e.keys)).toEqual([["harbour", "port"], ["map"]]);
  expect(data.character_book?.entries[1]?.secondary_keys).toEqual(["famous"]);
  expect(data.character_book?.extensions).toEqual({ "other/app": { colour: "teal" } });
  expect(data.character_book?.x_book_custom).toBe("kept");
  expect(data.extensions["other/app"]).toEqual({ deep: { list: [1, { a: null }] } });
  expect(data.extensions.depth_prompt).toEqual({ prompt: "Remember the sea.", depth: 4, role: "system" });
  expect(data.x_unknown_top).toEqual({ kept: true });
}

function pngTexts(bytes: Uint8Array): Map<string, string> {
  const texts = new Map<string, string>();
  for (const chunk of readPngChunks(bytes).chunks) {
    const keyword = textKeyword(chunk);
    if (keyword !== null) texts.set(keyword, textValue(chunk, 1 << 30));
  }
  return texts;
}

describe("v2 JSON export", () => {
  it("round-trips a V2 card field by field", () => {
    const first = parseCardFile(jsonBytes(V2_CARD), "mira.json");
    const { out, back } = again(first, "v2");
    expect(out.fileName).toBe("mira.json");
    expect(out.mimeType).toBe("application/json");
    expect(jsonOf(out.data)).toEqual(V2_CARD);
    expect(back.card.spec).toBe("chara_card_v2");
    expectV2Fields(back.card);
    expect(back.card).toEqual(first.card);
    expect(back.warnings).toEqual([]);
  });

  it("keeps every V3 key inside V2 data, so V3 → V2 → V3 gives back the same card", () => {
    const v3 = parseCardFile(jsonBytes(V3_CARD), "vela.json");
    const { out, back } = again(v3, "v2");
    const json = jsonOf(out.data) as { spec: string; spec_version: string; data: Record<string, unknown> };
    expect(json.spec).toBe("chara_card_v2");
    expect(json.spec_version).toBe("2.0");
    expect(json.data.group_only_greetings).toEqual(["Hello, everyone."]);
    expect(json.data.creator_notes).toBe(V3_CARD.data.creator_notes);
    expect(back.card.spec).toBe("chara_card_v2");
    expect(back.card.data).toEqual(V3_CARD.data);
    const { back: v3again } = again(back, "v3");
    expect(v3again.card).toEqual(v3.card);
  });

  it("writes an ST hybrid as plain V2 without its top-level mirror", () => {
    const { out, back } = again(parseCardFile(jsonBytes(ST_HYBRID), "s.json"), "v2");
    expect(Object.keys(jsonOf(out.data) as object)).toEqual(["spec", "spec_version", "data"]);
    expect(back.card.data).toEqual(ST_HYBRID.data);
  });
});

describe("v3 JSON export", () => {
  it("round-trips a V3 card field by field", () => {
    const first = parseCardFile(jsonBytes(V3_CARD), "vela.json");
    const { out, back } = again(first, "v3");
    expect(jsonOf(out.data)).toEqual(V3_CARD);
    expect(back.card.spec).toBe("chara_card_v3");
    expect(back.card.data.group_only_greetings).toEqual(["Hello, everyone."]);
    expect(back.card.data.assets).toEqual(V3_CARD.data.assets);
    expect(back.card.data.nickname).toBe("V");
    expect(back.card.data.creation_date).toBe(1700000000);
    expect(back.card.data.character_book?.entries[0]).toMatchObject({
      use_regex: false,
      constant: true,
      id: "star-1",
    });
    expect(back.card).toEqual(first.card);
    expect(back.warnings).toEqual([V3_REMOTE_ASSET_WARNING]);
  });

  it("adds group_only_greetings: [] and lorebook use_regex/constant to a V2 card, and no assets key", () => {
    const { out } = again(parseCardFile(jsonBytes(V2_CARD), "mira.json"), "v3");
    const json = jsonOf(out.data) as { spec: string; spec_version: string; data: Record<string, unknown> };
    expect(json.spec).toBe("chara_card_v3");
    expect(json.spec_version).toBe("3.0");
    expect(json.data.group_only_greetings).toEqual([]);
    expect("assets" in json.data).toBe(false);
    const book = V2_CARD.data.character_book;
    expect(json.data.character_book).toEqual({
      ...book,
      entries: book.entries.map((entry) => ({ ...entry, use_regex: false, constant: false })),
    });
  });
});

describe("png export", () => {
  it("round-trips a chara-only V2 PNG: same spec, same data, same avatar bytes", () => {
    const first = parseCardFile(pngCard([textChunk("chara", b64json(V2_CARD))]), "mira.png");
    const { out, back } = again(first, "png");
    expect(out.fileName).toBe("mira.png");
    expect(out.mimeType).toBe("image/png");
    const texts = pngTexts(out.data);
    expect(JSON.parse(Buffer.from(texts.get("chara") ?? "", "base64").toString("utf8"))).toEqual(V2_CARD);
    const ccv3 = JSON.parse(Buffer.from(texts.get("ccv3") ?? "", "base64").toString("utf8"));
    expect(ccv3.spec).toBe("chara_card_v3");
    expect(ccv3.data.group_only_greetings).toEqual([]);
    expect(back.card.spec).toBe("chara_card_v2");
    expectV2Fields(back.card);
    expect(back.card).toEqual(first.card);
    expect(back.avatar?.data).toEqual(first.avatar?.data);
    expect(back.warnings).toEqual([]);
  });

  it("round-trips a V3 APNG: ccv3 wins, chara carries the backfill note, animation chunks survive", () => {
    const first = parseCardFile(pngCard([textChunk("ccv3", b64json(V3_CARD))], apngChunks()), "vela.png");
    const { out, back } = again(first, "png");
    const types = readPngChunks(out.data).chunks.map((c) => c.type);
    expect(types.slice(0, 5)).toEqual(["IHDR", "acTL", "tIME", "fcTL", "IDAT"]);
    expect(types.slice(-3)).toEqual(["tEXt", "tEXt", "IEND"]);
    const chara = JSON.parse(Buffer.from(pngTexts(out.data).get("chara") ?? "", "base64").toString("utf8"));
    expect(chara.spec).toBe("chara_card_v2");
    expect(chara.data.creator_notes).toBe(`${V3_BACKFILL_NOTE}\n\nMade for testing.`);
    expect(back.card.spec).toBe("chara_card_v3");
    expect(back.card.data.creator_notes).toBe("Made for testing.");
    expect(back.card).toEqual(first.card);
    expect(back.avatar?.data).toEqual(first.avatar?.data);
  });

  it("replaces old card chunks of the avatar instead of piling them up", () => {
    const other = { ...clone(V2_CARD), data: { ...clone(V2_CARD).data, name: "Old" } };
    const dirty = pngCard([
      textChunk("Chara", b64json(other)),
      textChunk("ccv3", b64json(V3_CARD)),
      textChunk("chara-ext-asset_:0", "AAAA"),
    ]);
    const card = parseCardFile(jsonBytes(V2_CARD), "mira.json").card;
    const out = exportCard(card, { avatar: { mime: "image/png", data: dirty }, assets: [] }, "png");
    const keywords = readPngChunks(out.data)
      .chunks.map(textKeyword)
      .filter((k) => k !== null);
    expect(keywords).toEqual(["chara", "ccv3"]);
    expect(parseCardFile(out.data, "mira.png").card).toEqual(card);
  });

  it("writes __asset: assets back as chara-ext-asset_ chunks", () => {
    const card = clone(V3_CARD);
    card.data.assets = [{ type: "emotion", uri: "__asset:0", name: "happy", ext: "png" }];
    const asset = textChunk("chara-ext-asset_:0", Buffer.from(ICON_PNG).toString("base64"));
    const first = parseCardFile(pngCard([textChunk("ccv3", b64json(card)), asset]), "a.png");
    const { back } = again(first, "png");
    expect(back.assets).toEqual(first.assets);
    expect(back.card).toEqual(first.card);
  });

  it("uses a placeholder image named after the card when there is no avatar", () => {
    const card = parseCardFile(jsonBytes(V2_CARD), "mira.json").card;
    const out = exportCard(card, { avatar: null, assets: [] }, "png");
    const chunks = readPngChunks(out.data).chunks;
    const head = Buffer.from(chunks[0]?.data ?? []);
    expect([head.readUInt32BE(0), head.readUInt32BE(4)]).toEqual([400, 600]);
    const back = parseCardFile(out.data, "mira.png");
    expect(back.card).toEqual(card);
  });

  it("uses the placeholder for a non-PNG avatar (a JPEG from a CHARX)", () => {
    const card = parseCardFile(jsonBytes(V3_CARD), "vela.json").card;
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const out = exportCard(card, { avatar: { mime: "image/jpeg", data: jpeg }, assets: [] }, "png");
    const placeholder = exportCard(card, { avatar: null, assets: [] }, "png");
    expect(out.data).toEqual(placeholder.data);
  });
});

describe("charx export", () => {
  it("round-trips a CHARX: card, avatar and every asset at its path", () => {
    const first = parseCardFile(charxFile(), "vela.charx");
    const { out, back } = again(first, "charx");
    expect(out.fileName).toBe("vela.charx");
    expect(out.mimeType).toBe("application/zip");
    expect(readZip(out.data).map((e) => e.path)).toEqual([
      "card.json",
      "assets/icon/images/main.png",
      "assets/other/audio/hello.mp3",
      "x_meta/app.json",
    ]);
    expect(back.card.spec).toBe("chara_card_v3");
    expect(back.card.data.assets).toEqual(first.card.data.assets);
    expect(back.card.data.group_only_greetings).toEqual(["Hello, everyone."]);
    expect(back.card.data.character_book?.entries[0]?.content).toBe("@@depth 2\nStars guide ships.");
    expect(back.card).toEqual(first.card);
    expect(back.avatar).toEqual({ mime: "image/png", data: new Uint8Array(ICON_PNG) });
    expect(back.assets).toEqual(first.assets);
    expect(back.assets.find((a) => a.path === "x_meta/app.json")?.data).toEqual(RISU_MODULE);
    expect(back.assets.find((a) => a.path.endsWith(".mp3"))?.data).toEqual(EXTRA_ASSET);
    expect(back.warnings).toEqual([]);
  });

  it("adds the avatar as the main icon when the card has none, replacing a ccdefault: icon", () => {
    const first = parseCardFile(pngCard([textChunk("ccv3", b64json(V3_CARD))]), "vela.png");
    const { out, back } = again(first, "charx");
    const card = jsonOf(readZip(out.data)[0]?.data ?? new Uint8Array()) as { data: { assets: unknown[] } };
    expect(card.data.assets).toEqual([
      V3_CARD.data.assets[1],
      { type: "icon", uri: "embeded://assets/icon/images/main.png", name: "main", ext: "png" },
    ]);
    expect(back.avatar?.data).toEqual(first.avatar?.data);
    expect(back.assets.map((a) => a.path)).toEqual(["assets/icon/images/main.png"]);
  });

  it("keeps a JPEG avatar as a .jpg icon", () => {
    const card = parseCardFile(jsonBytes(V2_CARD), "mira.json").card;
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const back = parseCardFile(
      exportCard(card, { avatar: { mime: "image/jpeg", data: jpeg }, assets: [] }, "charx").data,
      "m.charx",
    );
    expect(back.avatar).toEqual({ mime: "image/jpeg", data: jpeg });
    expect(back.card.data.assets).toEqual([
      { type: "icon", uri: "embeded://assets/icon/images/main.jpg", name: "main", ext: "jpg" },
    ]);
    expect(back.card.data.group_only_greetings).toEqual([]);
  });
});

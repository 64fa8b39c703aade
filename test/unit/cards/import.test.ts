import { describe, expect, it } from "vitest";
import { parseCardFile, sniffCardKind } from "../../../electron/services/cards";
import {
  apngChunks,
  b64json,
  buildPng,
  clone,
  IEND,
  imageChunks,
  itxtChunk,
  jsonBytes,
  pngCard,
  textChunk,
  ztxtChunk,
} from "../../fixtures/cards/builders";
import {
  charxFile,
  EXTRA_ASSET,
  ICON_PNG,
  RISU_MODULE,
  ST_HYBRID,
  V1_CARD,
  V2_CARD,
  V3_CARD,
  V3_REMOTE_ASSET_WARNING,
} from "../../fixtures/cards/cards";
import { bytesOf } from "./helpers";

const plainImage = buildPng([...imageChunks(), IEND]);

describe("sniffCardKind", () => {
  it("tells PNG, zip, JSON and anything else apart by the first bytes", () => {
    expect(sniffCardKind(plainImage.subarray(0, 16))).toBe("png");
    expect(sniffCardKind(charxFile().subarray(0, 16))).toBe("zip");
    expect(sniffCardKind(new Uint8Array([0x50, 0x4b, 5, 6]))).toBe("zip");
    expect(sniffCardKind(bytesOf("\uFEFF \n\t{"))).toBe("json");
    expect(sniffCardKind(bytesOf("  [1]"))).toBe("json");
    expect(sniffCardKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("unknown");
    expect(sniffCardKind(new Uint8Array(0))).toBe("unknown");
    expect(sniffCardKind(plainImage.subarray(0, 4))).toBe("unknown");
  });
});

describe("JSON cards", () => {
  it("reads V1 top-level fields as a V2 card, keeping unknown keys and adding V2 defaults quietly", () => {
    const parsed = parseCardFile(jsonBytes(V1_CARD), "old.json");
    expect(parsed.card.spec).toBe("chara_card_v2");
    expect(parsed.card.spec_version).toBe("2.0");
    expect(parsed.card.data).toMatchObject({
      ...V1_CARD,
      creator_notes: "",
      alternate_greetings: [],
      tags: [],
    });
    expect(parsed.card.data.extensions).toEqual({});
    expect(parsed.card.data.avatar).toBe("none");
    expect(parsed.warnings).toEqual([]);
    expect(parsed.avatar).toBeNull();
    expect(parsed.assets).toEqual([]);
  });

  it("reads V2 with its character book and unknown keys verbatim", () => {
    const parsed = parseCardFile(jsonBytes(V2_CARD), "mira.json");
    expect(parsed.card).toEqual(V2_CARD);
    expect(parsed.card.data.character_book?.entries).toHaveLength(2);
    expect(parsed.card.data.character_book?.entries[0]?.x_custom).toEqual([1, 2, 3]);
    expect(parsed.card.data.extensions["other/app"]).toEqual({ deep: { list: [1, { a: null }] } });
    expect(parsed.warnings).toEqual([]);
  });

  it("reads V3 with assets, group-only greetings and V3 lorebook fields", () => {
    const parsed = parseCardFile(jsonBytes(V3_CARD), "vela.json");
    expect(parsed.card.spec).toBe("chara_card_v3");
    expect(parsed.card.spec_version).toBe("3.0");
    expect(parsed.card).toEqual(V3_CARD);
    expect(parsed.card.data.group_only_greetings).toEqual(["Hello, everyone."]);
    expect(parsed.card.data.assets).toHaveLength(2);
    expect(parsed.warnings).toEqual([V3_REMOTE_ASSET_WARNING]);
  });

  it("reads data.* of SillyTavern's hybrid and ignores its stale top-level mirror", () => {
    const parsed = parseCardFile(jsonBytes(ST_HYBRID), "seraphina.json");
    expect(parsed.card.spec).toBe("chara_card_v2");
    expect(parsed.card.data).toEqual(ST_HYBRID.data);
    expect(parsed.card.data.name).toBe("Seraphina");
    expect(parsed.card.data.creatorcomment).toBeUndefined();
    expect(parsed.warnings).toEqual([]);
  });

  it("fills fields missing from a hybrid's data from its top level, with a warning", () => {
    const hybrid = clone(ST_HYBRID) as { data: Record<string, unknown> };
    delete hybrid.data.description;
    delete hybrid.data.creator_notes;
    const parsed = parseCardFile(jsonBytes(hybrid), "h.json");
    expect(parsed.card.data.description).toBe("stale");
    expect(parsed.card.data.creator_notes).toBe("stale");
    expect(parsed.warnings).toContain(
      "description was missing from data; taken from the top-level description",
    );
    expect(parsed.warnings).toContain(
      "creator_notes was missing from data; taken from the top-level creatorcomment",
    );
  });

  it("imports a newer V3 version with a warning", () => {
    const card = { ...clone(V3_CARD), spec_version: "3.1" };
    const parsed = parseCardFile(jsonBytes(card), "v.json");
    expect(parsed.card.spec_version).toBe("3.1");
    expect(parsed.warnings).toEqual([
      V3_REMOTE_ASSET_WARNING,
      "spec_version 3.1 is newer than 3.0; imported anyway",
    ]);
  });
});

describe("PNG cards", () => {
  it("reads a chara-only PNG and returns the image without its card chunk as the avatar", () => {
    const parsed = parseCardFile(pngCard([textChunk("chara", b64json(V2_CARD))]), "mira.png");
    expect(parsed.card).toEqual(V2_CARD);
    expect(parsed.avatar?.mime).toBe("image/png");
    expect(Buffer.from(parsed.avatar?.data ?? [])).toEqual(Buffer.from(plainImage));
    expect(parsed.assets).toEqual([]);
  });

  it("ignores bytes after IEND with a warning", () => {
    const bytes = Buffer.concat([pngCard([textChunk("chara", b64json(V2_CARD))]), Buffer.from("junk")]);
    const parsed = parseCardFile(bytes, "tail.png");
    expect(parsed.warnings).toEqual(["4 bytes after the PNG's IEND chunk were ignored"]);
    expect(Buffer.from(parsed.avatar?.data ?? [])).toEqual(Buffer.from(plainImage));
  });

  it("prefers ccv3 over chara when both are present and differ", () => {
    const chara = { ...clone(V2_CARD), data: { ...clone(V2_CARD).data, name: "Chara Name" } };
    const bytes = pngCard([textChunk("chara", b64json(chara)), textChunk("ccv3", b64json(V3_CARD))]);
    const parsed = parseCardFile(bytes, "both.png");
    expect(parsed.card.spec).toBe("chara_card_v3");
    expect(parsed.card.data.name).toBe("Vela");
    expect(parsed.card).toEqual(V3_CARD);
  });

  it("matches chunk keywords case-insensitively", () => {
    const parsed = parseCardFile(pngCard([textChunk("Chara", b64json(V1_CARD))]), "x.png");
    expect(parsed.card.data.name).toBe("Old Timer");
  });

  it("keeps APNG animation chunks in the avatar", () => {
    const bytes = pngCard([textChunk("ccv3", b64json(V3_CARD))], apngChunks());
    const parsed = parseCardFile(bytes, "anim.png");
    expect(parsed.card.data.name).toBe("Vela");
    expect(Buffer.from(parsed.avatar?.data ?? [])).toEqual(Buffer.from(buildPng([...apngChunks(), IEND])));
    expect(Buffer.from(parsed.avatar?.data ?? []).includes(Buffer.from("acTL"))).toBe(true);
  });

  it("reads zTXt and iTXt (plain and compressed) card chunks", () => {
    for (const chunk of [
      ztxtChunk("chara", b64json(V2_CARD)),
      itxtChunk("chara", b64json(V2_CARD), false),
      itxtChunk("chara", b64json(V2_CARD), true),
    ]) {
      expect(parseCardFile(pngCard([chunk]), "t.png").card).toEqual(V2_CARD);
    }
  });

  it("reads V3 chara-ext-asset_ chunks as assets", () => {
    const card = clone(V3_CARD);
    card.data.assets = [{ type: "emotion", uri: "__asset:0", name: "happy", ext: "png" }];
    const bytes = pngCard([
      textChunk("ccv3", b64json(card)),
      textChunk("chara-ext-asset_:0", Buffer.from(ICON_PNG).toString("base64")),
    ]);
    const parsed = parseCardFile(bytes, "assets.png");
    expect(parsed.assets).toEqual([{ path: "0", mime: "image/png", data: new Uint8Array(ICON_PNG) }]);
    expect(Buffer.from(parsed.avatar?.data ?? [])).toEqual(Buffer.from(plainImage));
  });

  it("skips unsafe, duplicate or undecodable asset chunks with a warning", () => {
    const bytes = pngCard([
      textChunk("chara", b64json(V2_CARD)),
      textChunk("chara-ext-asset_:../x", "AAAA"),
      textChunk("chara-ext-asset_:a", "AAAA"),
      textChunk("chara-ext-asset_:a", "AAAA"),
      textChunk("chara-ext-asset_:b", "***"),
    ]);
    const parsed = parseCardFile(bytes, "assets.png");
    expect(parsed.assets.map((a) => a.path)).toEqual(["a"]);
    expect(parsed.warnings).toEqual([
      'PNG asset chunk "chara-ext-asset_:../x" skipped: its path contains ..',
      'PNG asset chunk "chara-ext-asset_:a" skipped: duplicate path',
      'PNG asset chunk "chara-ext-asset_:b" skipped: its text is not valid base64',
    ]);
  });

  it("falls back to chara with a warning when ccv3 is unreadable", () => {
    const bytes = pngCard([textChunk("chara", b64json(V2_CARD)), textChunk("ccv3", "%%%")]);
    const parsed = parseCardFile(bytes, "fallback.png");
    expect(parsed.card).toEqual(V2_CARD);
    expect(parsed.warnings).toEqual([
      "ccv3 chunk unreadable (ccv3 chunk: its text is not valid base64); used the chara chunk",
    ]);
  });

  it("accepts plain JSON in a chunk with a warning", () => {
    const parsed = parseCardFile(pngCard([textChunk("chara", JSON.stringify(V2_CARD))]), "plain.png");
    expect(parsed.card).toEqual(V2_CARD);
    expect(parsed.warnings).toEqual(["chara chunk held plain JSON instead of base64"]);
  });

  it("decodes non-ASCII card text as UTF-8 inside base64", () => {
    const card = clone(V2_CARD);
    card.data.description = "Écume, 海, 🌊";
    expect(parseCardFile(pngCard([textChunk("chara", b64json(card))]), "u.png").card.data.description).toBe(
      "Écume, 海, 🌊",
    );
  });
});

describe("CHARX cards", () => {
  it("reads card.json, uses the main icon as avatar and keeps every other file as an asset", () => {
    const parsed = parseCardFile(charxFile(), "vela.charx");
    expect(parsed.card.spec).toBe("chara_card_v3");
    expect(parsed.card.data.name).toBe("Vela");
    expect(parsed.avatar).toEqual({ mime: "image/png", data: new Uint8Array(ICON_PNG) });
    expect(parsed.assets.map((a) => [a.path, a.mime])).toEqual([
      ["assets/icon/images/main.png", "image/png"],
      ["assets/other/audio/hello.mp3", "audio/mpeg"],
      ["x_meta/app.json", "application/json"],
    ]);
    expect(parsed.assets[1]?.data).toEqual(EXTRA_ASSET);
    expect(parsed.assets[2]?.data).toEqual(RISU_MODULE);
    expect(parsed.warnings).toEqual([]);
  });

  it("warns about data.assets entries missing from the archive and has no avatar without an icon", () => {
    const card = clone(V3_CARD);
    card.data.assets = [
      { type: "icon", uri: "embeded://assets/icon/images/gone.png", name: "main", ext: "png" },
    ];
    const parsed = parseCardFile(charxFile(card), "v.charx");
    expect(parsed.avatar).toBeNull();
    expect(parsed.warnings).toEqual([
      'asset "assets/icon/images/gone.png" is listed in data.assets but missing from the archive',
    ]);
  });
});

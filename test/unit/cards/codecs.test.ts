import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { exportCard, parseCardFile } from "../../../electron/services/cards";
import { readPngChunks } from "../../../electron/services/cards/png";
import { readZip, writeZip } from "../../../electron/services/cards/zip";
import type { CardExportFormat } from "../../../shared/domain/library";
import { buildZip, clone, enc, jsonBytes } from "../../fixtures/cards/builders";
import { V2_CARD } from "../../fixtures/cards/cards";

/** Compression method of each central directory record. */
function centralMethods(zip: Uint8Array): number[] {
  const buf = Buffer.from(zip);
  const methods: number[] = [];
  for (
    let at = buf.indexOf("PK\x01\x02", 0, "latin1");
    at !== -1;
    at = buf.indexOf("PK\x01\x02", at + 4, "latin1")
  ) {
    methods.push(buf.readUInt16LE(at + 10));
  }
  return methods;
}

describe("zip writer", () => {
  it("deflates compressible entries, stores the rest, and reads back exactly", () => {
    const zeros = new Uint8Array(20_000);
    const noise = Uint8Array.from({ length: 256 }, (_, i) => (i * 167 + 13) % 256);
    const zip = writeZip([
      { path: "zeros.bin", data: zeros },
      { path: "assets/é/noise.bin", data: noise },
    ]);
    expect(zip.length).toBeLessThan(1000);
    const methods = centralMethods(zip);
    expect(methods).toEqual([8, 0]);
    expect(readZip(zip)).toEqual([
      { path: "zeros.bin", data: zeros },
      { path: "assets/é/noise.bin", data: noise },
    ]);
  });

  it("is reproducible byte for byte", () => {
    const entries = [{ path: "card.json", data: enc.encode('{"a":1}') }];
    expect(writeZip(entries)).toEqual(writeZip(entries));
  });
});

describe("zip reader", () => {
  it("skips directory entries", () => {
    const zip = buildZip([
      { path: "assets/", data: new Uint8Array(0) },
      { path: "assets/x.txt", data: enc.encode("x"), deflate: true },
    ]);
    expect(readZip(zip).map((e) => e.path)).toEqual(["assets/x.txt"]);
  });

  it("refuses duplicate entries", () => {
    const zip = buildZip([
      { path: "a.txt", data: enc.encode("1") },
      { path: "a.txt", data: enc.encode("2") },
    ]);
    expect(() => readZip(zip)).toThrow(/duplicate entry "a\.txt"/);
  });
});

describe("placeholder image", () => {
  it("is a solid colour derived from the name", () => {
    const pixel = (name: string) => {
      const out = exportCard(
        parseCardFile(jsonBytes({ ...V2_CARD, data: { ...V2_CARD.data, name } }), "x.json").card,
        { avatar: null, assets: [] },
        "png",
      );
      const idat = readPngChunks(out.data).chunks.find((c) => c.type === "IDAT");
      const raw = inflateSync(idat?.data ?? new Uint8Array());
      expect(raw.length).toBe(600 * (1 + 400 * 3));
      expect(raw.subarray(1, 4)).toEqual(raw.subarray(raw.length - 3));
      return [...raw.subarray(1, 4)];
    };
    expect(pixel("Mira")).toEqual(pixel("Mira"));
    expect(pixel("Mira")).not.toEqual(pixel("Vela"));
  });
});

describe("file names", () => {
  it("slugs the card name per format", () => {
    const name = (n: string, format: CardExportFormat) =>
      exportCard(
        { ...clone(V2_CARD), spec: "chara_card_v2", data: { ...clone(V2_CARD).data, name: n } } as never,
        {
          avatar: null,
          assets: [],
        },
        format,
      ).fileName;
    expect(name("  Dr. Mira / the Bold!  ", "v3")).toBe("dr-mira-the-bold.json");
    expect(name("Amélie 海", "charx")).toBe("amélie-海.charx");
    expect(name("../../etc", "png")).toBe("etc.png");
    expect(name("???", "v2")).toBe("character.json");
    expect(name("CON", "v2")).toBe("con-card.json");
  });
});

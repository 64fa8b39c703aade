import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b64json, pngCard, textChunk } from "../fixtures/cards/builders";
import { charxFile, V2_CARD, V3_CARD } from "../fixtures/cards/cards";
import { runMasque } from "../helpers/cli";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-cards-");
const dataDir = join(temp.dir, "data");
const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
afterAll(() => temp.cleanup());

async function importJson(path: string) {
  const result = await masque("import", path, "--json");
  expect(result.code, result.stderr).toBe(0);
  return { report: JSON.parse(result.stdout), stderr: result.stderr };
}

async function lastCharacter() {
  const list = JSON.parse((await masque("characters", "list", "--sort", "imported", "--json")).stdout);
  return list;
}

describe("character cards through the CLI", () => {
  const files: Record<string, string> = {};
  beforeAll(() => {
    files.v2 = join(temp.dir, "mira.json");
    writeFileSync(files.v2, JSON.stringify(V2_CARD));
    files.png = join(temp.dir, "mira.png");
    writeFileSync(files.png, pngCard([textChunk("chara", b64json(V2_CARD))]));
    files.charx = join(temp.dir, "v3.charx");
    writeFileSync(files.charx, charxFile());
    files.broken = join(temp.dir, "broken.png");
    writeFileSync(files.broken, pngCard([textChunk("chara", "%%%not base64%%%")]).subarray(0, 60));
    files.repair = join(temp.dir, "repair.json");
    writeFileSync(
      files.repair,
      JSON.stringify({
        ...V2_CARD,
        data: { ...V2_CARD.data, character_book: null, alternate_greetings: "Hi!" },
      }),
    );
  });

  it("imports a V2 JSON card with every field and reports it", async () => {
    const { report } = await importJson(files.v2 as string);
    expect(report).toMatchObject({
      format: "card",
      characters: { created: 1, updated: 0 },
      sessions: { added: 0, skipped: 0 },
      refusedCount: 0,
    });
    const list = JSON.parse((await masque("characters", "list", "--search", "Mira", "--json")).stdout);
    const card = JSON.parse((await masque("characters", "show", String(list[0].id), "--json")).stdout);
    expect(card.data).toEqual(V2_CARD.data);
  });

  it("imports the same file twice as one character", async () => {
    const { report } = await importJson(files.v2 as string);
    expect(report.characters).toEqual({ created: 0, updated: 1 });
  });

  it("repairs off-spec cards with warnings on stderr", async () => {
    const { report, stderr } = await importJson(files.repair as string);
    expect(report.characters.created).toBe(1);
    expect(stderr).toMatch(/warning: .*character_book/);
    expect(stderr).toMatch(/warning: .*alternate_greetings/);
  });

  it("refuses a broken PNG with CARD_INVALID naming the file", async () => {
    const result = await masque("import", files.broken as string, "--json");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^CARD_INVALID: broken\.png: /);
  });

  it("round-trips PNG and CHARX exports losslessly, avatar and assets included", async () => {
    await importJson(files.charx as string);
    const [charx] = await lastCharacter();
    const original = JSON.parse((await masque("characters", "show", String(charx.id), "--json")).stdout);
    expect(original.spec).toBe("chara_card_v3");
    for (const format of ["charx", "png", "v3"] as const) {
      const out = join(temp.dir, `export.${format}`);
      const exported = await masque(
        "characters",
        "export",
        String(charx.id),
        "--format",
        format,
        "--out",
        out,
      );
      expect(exported.code, exported.stderr).toBe(0);
      const again = join(temp.dir, `again-${format}`);
      const report = JSON.parse((await runMasque(["--data-dir", again, "import", out, "--json"])).stdout);
      expect(report.characters.created).toBe(1);
      const list = JSON.parse(
        (await runMasque(["--data-dir", again, "characters", "list", "--json"])).stdout,
      );
      const shown = JSON.parse(
        (await runMasque(["--data-dir", again, "characters", "show", String(list[0].id), "--json"])).stdout,
      );
      expect(shown.spec).toBe("chara_card_v3");
      expect(shown.data.name).toBe(V3_CARD.data.name);
      expect(shown.data.character_book).toEqual(original.data.character_book);
      expect(shown.data.extensions).toEqual(original.data.extensions);
      expect(shown.data.group_only_greetings).toEqual(original.data.group_only_greetings);
      if (format === "charx") expect(shown.data).toEqual(original.data);
    }
    const png = readFileSync(join(temp.dir, "export.png"));
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  });

  it("exports a PIPPA-free manual character as a PNG with a generated placeholder image", async () => {
    const created = JSON.parse((await masque("characters", "create", "--name", "Plain", "--json")).stdout);
    const out = join(temp.dir, "plain.png");
    expect(
      (await masque("characters", "export", String(created.id), "--format", "png", "--out", out)).code,
    ).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.includes(Buffer.from("chara"))).toBe(true);
    expect(bytes.includes(Buffer.from("ccv3"))).toBe(true);
    const wrong = await masque("characters", "export", String(created.id), "--format", "gif", "--out", out);
    expect(wrong.stderr).toMatch(/^INVALID_INPUT: characters export needs --format/);
  });

  it("never writes outside the data directory, whatever an archive holds", async () => {
    const evil = join(temp.dir, "evil.charx");
    const { buildZip, jsonBytes } = await import("../fixtures/cards/builders");
    writeFileSync(
      evil,
      buildZip([
        { path: "card.json", data: jsonBytes(V3_CARD) },
        { path: "../../escape.txt", data: new Uint8Array([1]) },
      ]),
    );
    const result = await masque("import", evil);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^CARD_INVALID: evil\.charx: .*\.\.\/\.\.\/escape\.txt/);
    expect(() => readFileSync(join(temp.dir, "..", "escape.txt"))).toThrow();
  });
});

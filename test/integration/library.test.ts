import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { b64json, pngCard, textChunk } from "../fixtures/cards/builders";
import { V2_CARD } from "../fixtures/cards/cards";
import { EXPECTED, quirkFile } from "../fixtures/pippa/quirks";
import { openTestCore, type TestCore } from "../helpers/core";

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(async () => {
  await t.close();
});

async function runImport(path: string) {
  const internals = t.core as unknown as { imports: { settled(id: string): Promise<void> } };
  const { importId } = await t.call("import.start", { source: { path } });
  await internals.imports.settled(importId);
  const done = t.eventsOf("import.done").find((e) => e.importId === importId);
  const error = t.eventsOf("import.error").find((e) => e.importId === importId);
  return {
    importId,
    report: done?.report,
    error: error?.error,
    progress: t.eventsOf("import.progress").filter((p) => p.importId === importId),
  };
}

describe("library service", () => {
  it("edits any card field, keeps the others, and refuses bad patches", async () => {
    const path = join(t.dir, "mira.json");
    writeFileSync(path, JSON.stringify(V2_CARD));
    const { report } = await runImport(path);
    const id = report?.characterIds[0] as number;
    const updated = await t.call("characters.update", {
      id,
      data: { description: "Edited.", tags: ["a", "b", "a"], character_book: null, extensions: { mine: 1 } },
    });
    expect(updated.data.description).toBe("Edited.");
    expect(updated.data.tags).toEqual(["a", "b"]);
    expect(updated.data).not.toHaveProperty("character_book");
    expect(updated.data.extensions).toEqual({ mine: 1 });
    expect(updated.data.first_mes).toBe(V2_CARD.data.first_mes);
    expect(await t.fail("characters.update", { id, data: { name: "  " } })).toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await t.fail("characters.update", { id, data: { colour: "red" } })).toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await t.fail("characters.update", { id: 999, data: {} })).toMatchObject({ code: "NOT_FOUND" });
  });

  it("searches with FTS (prefix words, diacritics, no syntax injection) and counts tags", async () => {
    const path = join(t.dir, "quirks.jsonl");
    writeFileSync(path, quirkFile());
    await runImport(path);
    await t.call("characters.create", { name: "Amélie", description: "A café owner.", tags: ["Cozy"] });
    expect((await t.call("characters.list", { search: "amelie" })).map((c) => c.name)).toEqual(["Amélie"]);
    expect((await t.call("characters.list", { search: "caf" })).map((c) => c.name)).toEqual(["Amélie"]);
    expect(await t.call("characters.list", { search: '"unbalanced AND (' })).toEqual([]);
    const tags = await t.call("characters.tags", {});
    expect(tags[0]).toEqual({ tag: "Games", count: 3 });
    expect(tags).toContainEqual({ tag: "Cozy", count: 1 });
    const recent = await t.call("characters.list", { sort: "imported" });
    expect(recent[0]?.name).toBe("Amélie");
  });

  it("lists and opens reference sessions, and deleting a character removes them", async () => {
    const path = join(t.dir, "quirks.jsonl");
    writeFileSync(path, quirkFile());
    const { report, progress } = await runImport(path);
    expect(report?.sessions.added).toBe(EXPECTED.sessionsAdded);
    expect(progress.at(-1)?.bytesDone).toBe(quirkFile().length);
    const winter = (await t.call("characters.list", { search: "Winter" }))[0];
    const sessions = await t.call("sessions.list", { characterId: winter?.id as number });
    expect(sessions).toHaveLength(3);
    const first = await t.call("sessions.get", { sessionId: sessions[0]?.id as number });
    expect(first.messages[0]).toEqual({ isHuman: false, text: "Welcome to *Decaying Winter*." });
    await t.call("characters.delete", { id: winter?.id as number });
    expect(await t.fail("sessions.get", { sessionId: first.id })).toMatchObject({ code: "NOT_FOUND" });
    expect(await t.fail("sessions.list", { characterId: winter?.id as number })).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("serves the avatar of a PNG card and exports every format", async () => {
    const path = join(t.dir, "mira.png");
    writeFileSync(path, pngCard([textChunk("chara", b64json(V2_CARD))]));
    const { report } = await runImport(path);
    const id = report?.characterIds[0] as number;
    const avatar = await t.call("characters.avatar", { id });
    expect(avatar?.mimeType).toBe("image/png");
    expect((await t.call("characters.list", {}))[0]?.hasAvatar).toBe(true);
    for (const format of ["v2", "v3", "png", "charx"] as const) {
      const file = await t.call("characters.export", { id, format });
      expect(file.fileName).toMatch(/^mira\./);
      expect(Buffer.from(file.dataBase64, "base64").length).toBeGreaterThan(100);
    }
  });

  it("reports import failures as events with a code, and unknown ids as NOT_FOUND", async () => {
    const junk = join(t.dir, "junk.bin");
    writeFileSync(junk, Buffer.from([0, 1, 2, 3]));
    expect(await t.fail("import.start", { source: { path: junk } })).toMatchObject({ code: "IMPORT_FAILED" });
    const broken = join(t.dir, "broken.json");
    writeFileSync(broken, "{ nope");
    const { error } = await runImport(broken);
    expect(error).toMatchObject({ code: "CARD_INVALID" });
    expect(await t.fail("import.cancel", { importId: "nope" })).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await t.fail("import.start", { source: { uploadId: "00000000-0000-0000-0000-000000000000" } }),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.fail("import.start", { source: { uploadId: "../../etc/passwd" } })).toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

/**
 * The user's name in disguise must not reach an exported PIPPA file: each spelling below once did,
 * unredacted and unflagged. Near misses are flagged for review and written only as the user chose.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLines, seedChat } from "../fixtures/export/seed";
import { openTestCore, type TestCore } from "../helpers/core";

const DISGUISES = [
  "Mar\u200Blowe",
  "Marl\u200Cowe",
  "Z\u200Doë",
  "Marlo\u2060we",
  "Mar\u00ADlowe",
  "_Marlowe_",
  "ZoëMarlowe",
  "MarloweZoë",
  "the Marlowes' house",
  "Ｍａｒｌｏｗｅ",
  "M\u0430rlowe",
  "Marlowé",
  "Marl&#111;we",
];

let t: TestCore;
let chatId: number;
beforeAll(async () => {
  t = await openTestCore();
  await t.call("settings.update", { userName: "Zoë Marlowe" });
  const character = await t.call("characters.create", { name: "Mira", greeting: "Who are you?" });
  chatId = await seedChat(t, character.id, [
    ...DISGUISES.map((text) => ({ role: "user" as const, text: `It is me, ${text}, again.` })),
    { role: "character", text: "Welcome back, Marlow. The marble hall is open." },
  ]);
});
afterAll(async () => {
  await t.close();
});

function exported(text: string): string {
  const { records } = jsonLines(text);
  const conversation = (records[0]?.conversation ?? []) as { message: string }[];
  return conversation.map((m) => m.message).join("\n");
}

describe("redaction of a name in disguise", () => {
  it("replaces every disguise in the export, even with no flagged span accepted", async () => {
    const result = await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: [] });
    const text = exported(result.dataBase64);
    for (const disguise of DISGUISES) expect(text).not.toContain(disguise);
    // Only the near miss (flagged, not accepted here) is left of any spelling of the name.
    expect(text.replace("Welcome back, Marlow.", "")).not.toMatch(/rlow|Zo[eë]|ｒｌｏ/u);
    expect(text).toContain("It is me, _{{user}}_, again.");
    expect(text).toContain("It is me, the {{user}}s' house, again.");
    expect(text).toContain("The marble hall is open.");
  });

  it("flags a near miss for review and writes it only as chosen", async () => {
    const preview = await t.call("export.preview", { selection: { chatIds: [chatId] } });
    const near = preview.flagged.filter((f) => f.kind === "name");
    expect(near.map((f) => f.text)).toEqual(["Marlow"]);
    const kept = await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: [] });
    expect(exported(kept.dataBase64)).toContain("Welcome back, Marlow.");
    const ids = near.map((f) => f.id);
    const replaced = await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: ids });
    expect(exported(replaced.dataBase64)).toContain("Welcome back, {{user}}.");
  });
});

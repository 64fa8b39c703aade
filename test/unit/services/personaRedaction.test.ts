/**
 * The export's redaction knows every persona a chat was written under: a chat that used the
 * persona "Zoë Marlowe" exports with each part of that name, in any case, replaced by {{user}},
 * though the settings' user name is someone else and no alias was given; and the preview says
 * which names it replaces.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type FakeCore, openFakeCore } from "../../fakes/fakeCore";

let t: FakeCore;
afterEach(async () => {
  await t?.close();
});

function exportedText(dataBase64: string): string {
  return Buffer.from(dataBase64, "base64").toString("utf8");
}

describe("persona names in the export", () => {
  it("redacts each part of the persona's name, any case, in the user's and the character's lines", async () => {
    t = await openFakeCore({
      engine: { replies: [[" Welcome back, ", "MARLOWE", "! How is zoë", " today?"]] },
      settings: { userName: "Sam" },
    });
    const persona = await t.call("personas.create", { name: "Zoë Marlowe", description: "A sailor." });
    const chatId = await t.newChat();
    await t.call("personas.setForChat", { chatId, personaId: persona.id });
    await t.reply(chatId, "I am Zoë, and the Marlowes' boat is mine. ZOË MARLOWE, at your service.");

    const preview = await t.call("export.preview", { selection: { chatIds: [chatId] } });
    expect(preview.names).toEqual(expect.arrayContaining(["Zoë Marlowe", "Sam"]));

    const result = await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: [] });
    const text = exportedText(result.dataBase64);
    expect(text).not.toMatch(/zo[eë]|marlowe/i);
    expect(text).toContain("{{user}}");
    expect(result.redactions.names).toBeGreaterThanOrEqual(5);
  });

  it("keeps redacting a persona's name after the persona is renamed", async () => {
    t = await openFakeCore({ engine: { replies: [[" Hello, Marlowe."]] } });
    const persona = await t.call("personas.create", { name: "Zoë Marlowe" });
    const chatId = await t.newChat();
    await t.call("personas.setForChat", { chatId, personaId: persona.id });
    await t.reply(chatId, "Call me Zoë.");
    await t.call("personas.update", { id: persona.id, name: "Captain Nemo" });

    const result = await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: [] });
    expect(exportedText(result.dataBase64)).not.toMatch(/zo[eë]|marlowe/i);
  });
});

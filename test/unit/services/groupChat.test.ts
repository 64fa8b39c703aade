/**
 * Group chats on the fake engine: who answers (named, manual, muted), each reply attributed to its
 * character and written under its name, swipes / edit / continue keep the writer, members muted
 * and removed mid-chat, and the prompt prefix stays the same whoever speaks (KV-cache reuse).
 */
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../electron/storage/database";
import type { Message } from "../../../shared/domain/chat";
import { type FakeCore, openFakeCore } from "../../fakes/fakeCore";

let t: FakeCore;
afterEach(async () => {
  await t?.close();
});

async function group() {
  t = await openFakeCore({ settings: { templateId: "chatml" } });
  const bob = await t.call("characters.create", {
    name: "Bob",
    description: "Bob is {{char}}, a grumpy baker who talks to {{user}} about bread.",
    greeting: "Hm.",
  });
  const view = await t.call("chats.create", { characterId: t.characterId, otherCharacterIds: [bob.id] });
  return { lily: t.characterId, bob: bob.id, chatId: view.chat.id, view };
}

const lastPrompt = () => (t.engine.requests.at(-1)?.prompt ?? []).map((p) => p.text).join("");
const promptOf = (i: number) => (t.engine.requests[i]?.prompt ?? []).map((p) => p.text).join("");

async function generated(start: Promise<{ generationId: string }>): Promise<Message> {
  const end = await t.finish((await start).generationId);
  if (end.event !== "generation.done") throw new Error(`expected done, got ${JSON.stringify(end)}`);
  return end.payload.message;
}

describe("group chats", () => {
  it("creates a group chat with its members in order and the first character's greeting", async () => {
    const { lily, bob, view } = await group();
    expect(view.group).toBe(true);
    expect(view.members.map((m) => [m.characterId, m.name, m.muted, m.talkativeness])).toEqual([
      [lily, "Lily", false, 0.5],
      [bob, "Bob", false, 0.5],
    ]);
    expect(view.messages.map((m) => [m.text, m.characterId])).toEqual([["Hi! I am Lily.", lily]]);
    const single = await t.call("chats.create", { characterId: lily });
    expect(single.group).toBe(false);
    expect(single.members.map((m) => m.characterId)).toEqual([lily]);
    expect((await t.fail("chats.create", { characterId: lily, otherCharacterIds: [lily] })).code).toBe(
      "INVALID_INPUT",
    );
    expect((await t.fail("chats.create", { characterId: lily, otherCharacterIds: [999] })).code).toBe(
      "NOT_FOUND",
    );
  });

  it("the character named answers, under its own name, with every card in a prefix that does not change", async () => {
    const { lily, bob, chatId } = await group();
    const toBob = await t.reply(chatId, "Bob, is the bread ready?");
    expect(toBob.characterId).toBe(bob);
    const first = promptOf(0);
    expect(first.endsWith("<|im_start|>assistant\nBob:")).toBe(true);
    expect(first).toContain("[Lily]\nLily loves the park.");
    expect(first).toContain("[Bob]\nBob is Bob, a grumpy baker who talks to Sam about bread.");
    expect(first).toContain("<|im_start|>assistant\nLily: Hi! I am Lily.");

    const toLily = await generated(t.call("chats.send", { chatId, text: "And you?", asCharacterId: lily }));
    expect(toLily.characterId).toBe(lily);
    const second = promptOf(1);
    expect(second.endsWith("<|im_start|>assistant\nLily:")).toBe(true);
    // Everything before the first prompt's open reply header is reused as is.
    const reused = first.slice(0, -"<|im_start|>assistant\nBob:".length);
    expect(second.startsWith(reused)).toBe(true);
    expect(second).toContain(`<|im_start|>assistant\nBob:${toBob.text}`);
    expect(t.engine.requests[1]?.stopStrings).toEqual(expect.arrayContaining(["\nLily:", "\nBob:"]));
  });

  it("swipes, edits and continues a group reply as the character who wrote it", async () => {
    const { bob, chatId } = await group();
    const reply = await t.reply(chatId, "Bob, say something.");
    await t.reply(chatId, "Thanks.");
    const swipe = await generated(t.call("chats.regenerate", { chatId, messageId: reply.id }));
    expect(swipe.characterId).toBe(bob);
    expect(swipe.parentId).toBe(reply.parentId);
    expect(lastPrompt().endsWith("<|im_start|>assistant\nBob:")).toBe(true);

    const edited = await t.call("chats.editMessage", { messageId: swipe.id, text: "Bread is life." });
    expect(edited.characterId).toBe(bob);
    const continued = await generated(t.call("chats.continue", { chatId }));
    expect(continued.id).toBe(swipe.id);
    expect(continued.characterId).toBe(bob);
    expect(lastPrompt().endsWith("<|im_start|>assistant\nBob: Bread is life.")).toBe(true);
  });

  it("never picks a muted character, refuses to pick one by hand, and keeps a removed character's lines", async () => {
    const { lily, bob, chatId } = await group();
    const muted = await t.call("chats.setMember", { chatId, characterId: bob, muted: true });
    expect(muted.members.find((m) => m.characterId === bob)?.muted).toBe(true);
    for (const text of ["Bob?", "Bob, please", "Bob Bob Bob"]) {
      expect((await t.reply(chatId, text)).characterId).toBe(lily);
    }
    const refused = await t.fail("chats.send", { chatId, text: "Bob!", asCharacterId: bob });
    expect(refused).toMatchObject({ code: "INVALID_INPUT", message: "Bob is muted in this group chat" });
    expect((await t.fail("chats.setMember", { chatId, characterId: lily, muted: true })).code).toBe(
      "INVALID_INPUT",
    );

    await t.call("chats.setMember", { chatId, characterId: bob, muted: false });
    const fromBob = await t.reply(chatId, "Bob, one more thing.");
    expect(fromBob.characterId).toBe(bob);
    const removed = await t.call("chats.setMember", { chatId, characterId: bob, remove: true });
    expect(removed.members.map((m) => m.characterId)).toEqual([lily]);
    expect(removed.messages.find((m) => m.id === fromBob.id)?.characterId).toBe(bob);
    await t.reply(chatId, "Where did he go?");
    expect(lastPrompt()).toContain(`<|im_start|>assistant\nBob:${fromBob.text}`);
    expect(lastPrompt()).not.toContain("[Bob]");
    expect((await t.fail("chats.setMember", { chatId, characterId: lily, remove: true })).code).toBe(
      "INVALID_INPUT",
    );
    expect((await t.fail("chats.setMember", { chatId, characterId: bob, muted: true })).code).toBe(
      "NOT_FOUND",
    );
  });

  it("follows the fixed list when the chat asks for it", async () => {
    const { lily, bob, chatId } = await group();
    await t.call("chats.setOptions", { chatId, speakerOrder: "list" });
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await t.reply(chatId, `line ${i}`)).characterId);
    // The greeting was Lily's, so the list starts after her.
    expect(order).toEqual([bob, lily, bob, lily]);
  });

  it("makes a one-to-one chat a group chat when a character is added", async () => {
    t = await openFakeCore({ settings: { templateId: "chatml" } });
    const chatId = await t.newChat();
    await t.reply(chatId, "Hello");
    const bob = await t.call("characters.create", { name: "Bob", description: "A baker.", greeting: "Hm." });
    const view = await t.call("chats.addMember", { chatId, characterId: bob.id });
    expect(view.group).toBe(true);
    expect(view.members.map((m) => m.name)).toEqual(["Lily", "Bob"]);
    const reply = await generated(t.call("chats.send", { chatId, text: "Hi Bob", asCharacterId: bob.id }));
    expect(reply.characterId).toBe(bob.id);
    // The older reply, stored before the chat became a group, is written under Lily's name.
    expect(lastPrompt()).toContain("<|im_start|>assistant\nLily:Hello there.");
  });

  it("exports one PIPPA line per (chat, character) and redacts every persona name the chat used", async () => {
    const { chatId } = await group();
    const rowan = await t.call("personas.create", { name: "Rowan", description: "A sailor." });
    await t.call("personas.setForChat", { chatId, personaId: rowan.id });
    await t.reply(chatId, "Bob, it is me, Rowan.");
    await t.call("personas.update", { id: rowan.id, name: "Rowena" });
    await generated(t.call("chats.send", { chatId, text: "Rowena here now, Bob." }));
    const exported = await t.call("export.pippa", { selection: { chatIds: [chatId] }, acceptFlagged: "all" });
    const lines = Buffer.from(exported.dataBase64, "base64").toString("utf8").trim().split("\n");
    const records = lines.map(
      (l) => JSON.parse(l) as { bot_name: string; conversation: { message: string }[] },
    );
    expect(records.map((r) => r.bot_name)).toEqual(["Lily", "Bob"]);
    for (const record of records) {
      const text = record.conversation.map((c) => c.message).join("\n");
      expect(text).not.toMatch(/Rowan|Rowena/);
      expect(text).toContain("Bob, it is me, {{user}}.");
      expect(text).toContain("Hello there.");
    }
    const preview = await t.call("export.preview", { selection: { chatIds: [chatId] } });
    expect(preview.names).toEqual(expect.arrayContaining(["Rowan", "Rowena", "Sam"]));
  });

  it("scans the books of every member: one attached to the second character fires in the group chat", async () => {
    const { bob, chatId } = await group();
    const book = await t.call("lorebooks.create", { name: "Bakery" });
    const entry = await t.call("lorebooks.saveEntry", {
      lorebookId: book.id,
      entry: { keys: ["sourdough"], content: "LORE: the sourdough starter is called Gerald." },
    });
    await t.call("lorebooks.attach", { id: book.id, scope: "character", targetId: bob });
    expect((await t.call("lorebooks.forChat", { chatId })).map((b) => [b.name, b.via])).toEqual([
      ["Bakery", "character"],
    ]);
    const sent = await t.reply(chatId, "Bob, how is the sourdough?");
    const report = await t.call("chats.prompt", { chatId });
    const id = `lorebook:${book.id}#${entry.uid}`;
    expect(report.characterId).toBe(bob);
    expect(report.lore.fired).toEqual([
      expect.objectContaining({
        id,
        book: "Bakery",
        why: `key "sourdough" in message ${sent.parentId}`,
        placed: `after message ${sent.parentId}`,
      }),
    ]);
    expect(report.blocks.find((b) => b.entryIds?.includes(id))?.text).toContain("Gerald");
  });

  it("saves who writes a reply while it streams, so a crash keeps it attributed", async () => {
    t = await openFakeCore({ settings: { templateId: "chatml" }, engine: { pieceDelayMs: 50 } });
    const bob = await t.call("characters.create", { name: "Bob", description: "A baker.", greeting: "Hm." });
    const chatId = (await t.call("chats.create", { characterId: t.characterId, otherCharacterIds: [bob.id] }))
      .chat.id;
    const sent = await t.call("chats.send", { chatId, text: "Bob?" });
    const db = openDatabase(t.dir);
    try {
      const row = db.db
        .prepare("SELECT character_id FROM partial_replies WHERE generation_id = ?")
        .get(sent.generationId);
      expect(row).toEqual({ character_id: bob.id });
    } finally {
      db.close();
    }
    await t.finish(sent.generationId);
  });

  it("writes each group reply under its character's name in a SillyTavern file", async () => {
    const { chatId } = await group();
    await t.reply(chatId, "Bob, hello.");
    const file = await t.call("export.sillytavern", { chatId });
    const lines = Buffer.from(file.dataBase64, "base64")
      .toString("utf8")
      .split("\n")
      .map((l) => JSON.parse(l) as { name?: string; is_user?: boolean });
    expect(lines.slice(1).map((l) => l.name)).toEqual(["Lily", "Sam", "Bob"]);
  });
});

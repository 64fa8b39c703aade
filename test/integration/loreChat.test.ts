/**
 * Lore, the author's note and the persona in a real chat, through the CLI with the real model: a
 * card whose `character_book` has keyed, constant, selective and disabled entries; the right
 * entries are in `chats prompt` after the right user messages, and never the disabled one.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PromptReport } from "../../shared/api/contract";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-lore-chat-");
const dataDir = join(temp.dir, "data");
const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
afterAll(() => temp.cleanup());

async function ok(...args: string[]) {
  const result = await masque(...args);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}
const okJson = async <T>(...args: string[]) => JSON.parse(await ok(...args, "--json")) as T;

const entry = (id: number, fields: Record<string, unknown>) => ({
  id,
  keys: [],
  secondary_keys: [],
  content: "",
  extensions: {},
  enabled: true,
  insertion_order: 100,
  constant: false,
  selective: false,
  position: "after_char",
  ...fields,
});

const card = {
  spec: "chara_card_v2",
  spec_version: "2.0",
  data: {
    name: "Mira",
    description: "Mira keeps the lighthouse and tells {{user}} stories.",
    personality: "calm",
    scenario: "",
    first_mes: "Welcome to the lighthouse.",
    mes_example: "",
    creator_notes: "",
    system_prompt: "",
    post_history_instructions: "",
    alternate_greetings: [],
    tags: [],
    creator: "",
    character_version: "",
    extensions: {},
    character_book: {
      name: "Coast",
      extensions: {},
      entries: [
        entry(1, {
          keys: ["dragon"],
          content: "LORE-DRAGON: a dragon sleeps under the cliffs.",
          comment: "Dragon",
        }),
        entry(2, { constant: true, content: "LORE-CONSTANT: the sea is always cold.", comment: "Sea" }),
        entry(3, {
          keys: ["castle"],
          secondary_keys: ["king"],
          selective: true,
          content: "LORE-CASTLE: the king's castle has no doors.",
          comment: "Castle",
        }),
        entry(4, {
          keys: ["dragon"],
          enabled: false,
          content: "LORE-DISABLED: never shown.",
          comment: "Off",
        }),
      ],
    },
  },
};

const loreText = (report: PromptReport) =>
  report.blocks
    .filter((b) => b.kind === "lore")
    .map((b) => b.text)
    .join("\n");
const firedIds = (report: PromptReport) => report.lore.fired.map((f) => f.id).sort();

describe.skipIf(!HAS_TEST_MODEL)("lore in a chat with the real model", () => {
  it("puts the right entries in the prompt after the right messages, with the persona and the note", async () => {
    const cardFile = join(temp.dir, "mira.json");
    writeFileSync(cardFile, JSON.stringify(card));
    await ok("settings", "set", "modelPath", TEST_MODEL_PATH);
    await ok("import", cardFile, "--format", "card");
    const characters = await okJson<{ id: number; name: string }[]>("characters", "list");
    const mira = characters.find((c) => c.name === "Mira")?.id as number;
    const persona = await okJson<{ id: number }>(
      "personas",
      "create",
      "--name",
      "Rowan",
      "--description",
      "Rowan is a sailor who fears the dark.",
    );
    const view = await okJson<{ chat: { id: number } }>(
      "chats",
      "new",
      String(mira),
      "--persona",
      String(persona.id),
    );
    const chatId = String(view.chat.id);
    const set = await okJson<{ note: { effective: { text: string; depth: number } } }>(
      "chats",
      "set",
      chatId,
      "--note",
      "NOTE: keep it short.",
      "--note-depth",
      "1",
    );
    expect(set.note.effective).toMatchObject({ text: "NOTE: keep it short.", depth: 1 });

    const book = `character:${mira}`;
    const send = async (text: string) => {
      const reply = await okJson<{ userMessageId: number; reply: { characterId: number } }>(
        "chats",
        "send",
        chatId,
        text,
        "--max-tokens",
        "6",
        "--seed",
        "1",
      );
      expect(reply.reply.characterId).toBe(mira);
      return {
        userMessageId: reply.userMessageId,
        report: await okJson<PromptReport>("chats", "prompt", chatId),
      };
    };

    const first = await send("Good evening, how is the weather?");
    expect(firedIds(first.report)).toEqual([`${book}#2`]);
    expect(loreText(first.report)).toContain("LORE-CONSTANT");
    expect(first.report.lore.fired[0]?.why).toBe("constant");
    const personaBlock = first.report.blocks.find((b) => b.kind === "user-persona");
    expect(personaBlock?.entryIds).toEqual([`persona:${persona.id}`]);
    expect(personaBlock?.text).toContain("Rowan's persona: Rowan is a sailor");
    expect(first.report.userName).toBe("Rowan");
    const note = first.report.blocks.find((b) => b.kind === "note");
    expect(note?.text).toContain("NOTE: keep it short.");
    expect(first.report.lore.note).toMatchObject({ depth: 1 });

    const second = await send("I think I saw a dragon near the cliffs.");
    expect(firedIds(second.report)).toEqual([`${book}#1`, `${book}#2`]);
    const dragon = second.report.lore.fired.find((f) => f.id === `${book}#1`);
    expect(dragon).toMatchObject({
      messageId: second.userMessageId,
      why: `key "dragon" in message ${second.userMessageId}`,
    });
    expect(dragon?.placed).toBe(`after message ${second.userMessageId}`);
    const dragonBlock = second.report.blocks.find((b) => b.entryIds?.includes(`${book}#1`));
    expect(dragonBlock?.text).toContain("LORE-DRAGON");

    const third = await send("The castle on the hill looks empty.");
    expect(firedIds(third.report)).toEqual([`${book}#2`]);

    const fourth = await send("Does the king still live in the castle?");
    expect(firedIds(fourth.report)).toEqual([`${book}#2`, `${book}#3`]);
    expect(fourth.report.lore.fired.find((f) => f.id === `${book}#3`)?.why).toBe(
      `key "castle" in message ${fourth.userMessageId} (with "king")`,
    );

    for (const report of [first, second, third, fourth].map((s) => s.report)) {
      expect(report.blocks.map((b) => b.text).join("")).not.toContain("LORE-DISABLED");
      expect(firedIds(report)).not.toContain(`${book}#4`);
    }
    const text = await ok("chats", "prompt", chatId);
    expect(text).toContain(`${book}#3 Castle: key "castle"`);
    expect(text).toContain("Persona: Rowan");
  }, 120_000);

  it("runs a group chat from the command line: --as, natural order, mute", async () => {
    await ok("settings", "set", "modelPath", TEST_MODEL_PATH);
    const make = (name: string) =>
      okJson<{ id: number }>("characters", "create", "--name", name, "--greeting", `I am ${name}.`);
    const anna = (await make("Anna")).id;
    const otto = (await make("Otto")).id;
    const chat = await okJson<{ chat: { id: number }; group: boolean; members: { characterId: number }[] }>(
      "chats",
      "new",
      String(anna),
      String(otto),
    );
    expect(chat.group).toBe(true);
    expect(chat.members.map((m) => m.characterId)).toEqual([anna, otto]);
    const chatId = String(chat.chat.id);
    const send = async (text: string, ...extra: string[]) =>
      (
        await okJson<{ reply: { characterId: number } }>(
          "chats",
          "send",
          chatId,
          text,
          "--max-tokens",
          "4",
          "--seed",
          "2",
          ...extra,
        )
      ).reply.characterId;
    expect(await send("Who wants tea?", "--as", String(otto))).toBe(otto);
    expect(await send("Anna, do you?")).toBe(anna);
    const report = await okJson<PromptReport>("chats", "prompt", chatId);
    expect(report.characterId).toBe(anna);
    expect(report.blocks.at(-1)?.text).toBe("Anna:");
    const members = await okJson<{ characterId: number; muted: boolean }[]>(
      "chats",
      "member",
      chatId,
      String(otto),
      "--mute",
    );
    expect(members.find((m) => m.characterId === otto)?.muted).toBe(true);
    expect(await send("Otto, you too?")).toBe(anna);
    const refused = await masque("chats", "send", chatId, "Otto!", "--as", String(otto));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/INVALID_INPUT: Otto is muted in this group chat/);
    const shown = await ok("chats", "show", chatId);
    expect(shown).toContain("Otto:");
    expect(shown).toContain("Anna:");
  }, 120_000);
});

describe("group and chat setup commands refuse bad input clearly", () => {
  it.each([
    [["chats", "new", "1", "1"], /INVALID_INPUT: characterIds: a character can be in a group chat only once/],
    [["chats", "new", "1", "77"], /NOT_FOUND: character 77 does not exist/],
    [["chats", "new", "1", "--persona", "88"], /NOT_FOUND: persona 88 does not exist/],
    [["chats", "new", "1", "--lorebook", "x"], /INVALID_INPUT: --lorebook must be a positive whole number/],
    [["chats", "set", "99", "--note", "hi"], /NOT_FOUND: chat 99 does not exist/],
    [["chats", "set", "1", "--note-depth=-1"], /INVALID_INPUT: --note-depth must be 0 or more/],
    [["chats", "set", "1", "--clear-note", "--note", "x"], /INVALID_INPUT: --clear-note cannot be combined/],
    [["chats", "member", "1", "2"], /INVALID_INPUT: chats member needs one of --add, --mute/],
    [["chats", "member", "1", "2", "--mute", "--remove"], /INVALID_INPUT: chats member needs one of/],
    [
      ["chats", "member", "1", "2", "--talkativeness", "3"],
      /INVALID_INPUT: --talkativeness must be between 0 and 1/,
    ],
    [["chats", "send", "1", "hi", "--as", "0"], /INVALID_INPUT: --as must be a positive whole number/],
  ])("refuses %j", async (args, message) => {
    await masque("characters", "create", "--name", "Solo");
    const result = await masque(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it("refuses to mute or remove a member of a one-to-one chat, and to mute the last unmuted one", async () => {
    const make = async (name: string) =>
      (JSON.parse(await ok("characters", "create", "--name", name, "--json")) as { id: number }).id;
    const a = await make("Ada");
    const b = await make("Ben");
    const single = (JSON.parse(await ok("chats", "new", String(a), "--json")) as { chat: { id: number } })
      .chat.id;
    const notGroup = await masque("chats", "member", String(single), String(a), "--mute");
    expect(notGroup.stderr).toMatch(/INVALID_INPUT: chat \d+ is not a group chat; add a character first/);
    expect((await masque("chats", "member", String(single), String(b), "--add")).code).toBe(0);
    expect((await masque("chats", "member", String(single), String(a), "--mute")).code).toBe(0);
    const last = await masque("chats", "member", String(single), String(b), "--mute");
    expect(last.stderr).toMatch(/INVALID_INPUT: at least one character of a group chat must stay unmuted/);
    expect((await masque("chats", "member", String(single), String(a), "--remove")).code).toBe(0);
    const lastOne = await masque("chats", "member", String(single), String(b), "--remove");
    expect(lastOne.stderr).toMatch(/INVALID_INPUT: the last character of a chat cannot be removed/);
  });
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const temp = makeTempDir("masque-cli-");
const dataDir = temp.dir;
const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
afterAll(() => temp.cleanup());

describe("masque CLI", () => {
  let characterId: number;
  let chatId: number;

  beforeAll(async () => {
    const created = await masque(
      "characters",
      "create",
      "--name",
      "Lily",
      "--description",
      "A girl.",
      "--greeting",
      "Hi! I am Lily.",
      "--json",
    );
    expect(created.code, created.stderr).toBe(0);
    characterId = (JSON.parse(created.stdout) as { id: number }).id;
  });

  it("creates a character and prints the V2 card with its id", async () => {
    const shown = await masque("characters", "show", String(characterId), "--json");
    expect(shown.code).toBe(0);
    const card = JSON.parse(shown.stdout);
    expect(Object.keys(card)).toEqual(["id", "spec", "spec_version", "data"]);
    expect(card).toMatchObject({ id: characterId, spec: "chara_card_v2", spec_version: "2.0" });
    expect(card.data).toMatchObject({
      name: "Lily",
      description: "A girl.",
      first_mes: "Hi! I am Lily.",
      tags: [],
      extensions: {},
    });
  });

  it("lists characters with id, name and tags", async () => {
    const listed = await masque("characters", "list", "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: characterId, name: "Lily", tags: [] }),
    ]);
    const human = await masque("characters", "list");
    expect(human.stdout).toContain("Lily");
  });

  it("opens a chat whose first message is the greeting", async () => {
    const opened = await masque("chats", "new", String(characterId), "--json");
    expect(opened.code).toBe(0);
    const view = JSON.parse(opened.stdout);
    chatId = view.chat.id;
    expect(view.messages).toEqual([expect.objectContaining({ role: "character", text: "Hi! I am Lily." })]);
  });

  it("reads and writes settings", async () => {
    expect((await masque("settings", "set", "userName", "Sam")).code).toBe(0);
    const value = await masque("settings", "get", "userName", "--json");
    expect(JSON.parse(value.stdout)).toBe("Sam");
    const all = JSON.parse((await masque("settings", "get", "--json")).stdout);
    expect(all).toMatchObject({ userName: "Sam", threads: 0 });
    const bad = await masque("settings", "set", "threads", "lots");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^INVALID_INPUT: settings.update: threads/);
    const unknown = await masque("settings", "get", "colour");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^INVALID_INPUT: unknown setting "colour"/);
  });

  it("prints object and array settings as JSON without --json", async () => {
    const adapters = await masque("settings", "get", "loraAdapters");
    expect(adapters.code, adapters.stderr).toBe(0);
    expect(JSON.parse(adapters.stdout)).toEqual([]);
    const presets = [{ name: "warm", values: { temperature: 0.9 } }];
    const set = await masque("settings", "set", "samplerPresets", JSON.stringify(presets));
    expect(set.code, set.stderr).toBe(0);
    const shown = await masque("settings", "get", "samplerPresets");
    expect(shown.stdout).not.toContain("[object Object]");
    expect(JSON.parse(shown.stdout)).toEqual(presets);
    const name = await masque("settings", "get", "userName");
    expect(name.stdout).toBe("Sam\n");
  });

  it("exits 1 with the error code first for unknown ids and bad usage", async () => {
    const missing = await masque("chats", "show", "42");
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toMatch(/^NOT_FOUND: chat 42 does not exist/);
    const badId = await masque("characters", "show", "abc");
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^INVALID_INPUT: CHARACTER_ID must be a positive whole number/);
    const unknown = await masque("frobnicate");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^INVALID_INPUT: unknown command "frobnicate"/);
    const flag = await masque("characters", "list", "--colour");
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/^INVALID_INPUT: .*--colour/);
    const noName = await masque("characters", "create");
    expect(noName.stderr).toMatch(/^INVALID_INPUT: characters create needs --name/);
  });

  it("exits 1 with STORAGE_UNAVAILABLE for a data dir that cannot be used", async () => {
    const file = join(dataDir, "a-file");
    writeFileSync(file, "x");
    const result = await runMasque(["--data-dir", file, "characters", "list"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^STORAGE_UNAVAILABLE: The data directory .*a-file/);
  });

  it("honours MASQUE_DATA_DIR", async () => {
    const result = await runMasque(["characters", "list", "--json"], { MASQUE_DATA_DIR: dataDir });
    expect(JSON.parse(result.stdout)).toHaveLength(1);
  });

  describe.skipIf(!HAS_TEST_MODEL)("chats send with the real model", () => {
    it("prints exactly one JSON document with the reply and its stats", async () => {
      const sent = await masque(
        "chats",
        "send",
        String(chatId),
        "Hello Lily",
        "--model",
        TEST_MODEL_PATH,
        "--max-tokens",
        "24",
        "--seed",
        "5",
        "--threads",
        "1",
        "--json",
      );
      expect(sent.code, sent.stderr).toBe(0);
      const doc = JSON.parse(sent.stdout);
      expect(Object.keys(doc)).toEqual(["chatId", "userMessageId", "reply"]);
      expect(doc.chatId).toBe(chatId);
      expect(Object.keys(doc.reply)).toEqual(["id", "text", "stopReason", "stats", "characterId"]);
      expect(Object.keys(doc.reply.stats).sort()).toEqual([
        "backend",
        "evaluatedTokens",
        "generatedTokens",
        "promptTokens",
        "restoredTokens",
        "tokensPerSecond",
        "ttftMs",
      ]);
      expect(doc.reply.stats.backend).toBe("local");
      expect(doc.reply.stats.generatedTokens).toBeGreaterThan(0);
      expect(doc.reply.stats.generatedTokens).toBeLessThanOrEqual(24);
      // The chat's first reply: no KV state saved yet, so the whole prompt is evaluated.
      expect(doc.reply.stats.evaluatedTokens).toBe(doc.reply.stats.promptTokens);
      expect(doc.reply.stats.restoredTokens).toBe(0);
      const shown = JSON.parse((await masque("chats", "show", String(chatId), "--json")).stdout);
      expect(shown.messages.map((m: { role: string }) => m.role)).toEqual(["character", "user", "character"]);
      expect(shown.messages[2].text).toBe(doc.reply.text);
    });

    it("streams plain text without --json and does not change the default model", async () => {
      const sent = await masque(
        "chats",
        "send",
        String(chatId),
        "Again",
        "--model",
        TEST_MODEL_PATH,
        "--max-tokens",
        "16",
      );
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout.trim().length).toBeGreaterThan(0);
      expect(JSON.parse((await masque("settings", "get", "modelPath", "--json")).stdout)).toBe("");
    });

    it("uses the model from the settings when --model is not given", async () => {
      const none = await masque("chats", "send", String(chatId), "Hi");
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^MODEL_NOT_SET/);
      await masque("settings", "set", "modelPath", TEST_MODEL_PATH);
      const sent = await masque("chats", "send", String(chatId), "Hi", "--max-tokens", "8", "--json");
      expect(sent.code, sent.stderr).toBe(0);
    });

    it("gives MODEL_INVALID for a file that is not a model", async () => {
      const fake = join(dataDir, "fake.gguf");
      writeFileSync(fake, "not a model");
      const result = await masque("chats", "send", String(chatId), "Hi", "--model", fake);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^MODEL_INVALID: .*fake\.gguf: not a GGUF model/);
    });
  });
});

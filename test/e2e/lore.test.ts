/**
 * "Personas & lore" in headless Chromium against `masque web` (no model needed): create a persona
 * and make it the default, import a world-info file, add an entry in the editor, attach the book
 * globally and to a character; the CLI then reads what the browser wrote.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "lore", "world-info.json");

describe.skipIf(!HAS_CHROMIUM)("personas and lorebooks in the browser", () => {
  const temp = makeTempDir("masque-e2e-lore-");
  const dataDir = join(temp.dir, "data");
  const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
  let session: AppSession;
  let page: Page;
  let characterId = 0;

  beforeAll(async () => {
    const created = await masque("characters", "create", "--name", "Mira", "--json");
    expect(created.code, created.stderr).toBe(0);
    characterId = (JSON.parse(created.stdout) as { id: number }).id;
    if (HAS_TEST_MODEL) expect((await masque("settings", "set", "modelPath", TEST_MODEL_PATH)).code).toBe(0);
    session = await openAppSession({ dataDir, viewport: { width: 1280, height: 900 } });
    ({ page } = session);
    await page.getByTestId("library-count").waitFor();
  });

  afterAll(async () => {
    await session?.close();
    temp.cleanup();
  });

  it("creates a persona and makes it the default", async () => {
    await page.getByTestId("open-lore").click();
    await page.getByTestId("lore-dialog").waitFor();
    await page.getByTestId("persona-name").fill("Rowan");
    await page.getByTestId("persona-description").fill("A sailor who fears the dark.");
    await page.getByTestId("persona-save").click();
    const row = page.locator('[data-testid^="persona-"]', { hasText: "Rowan" }).first();
    await row.waitFor();
    await row.getByRole("button", { name: "Make default" }).click();
    await row.getByText("default", { exact: true }).waitFor();
    const listed = JSON.parse((await masque("personas", "list", "--json")).stdout) as {
      name: string;
      description: string;
      isDefault: boolean;
    }[];
    expect(listed).toEqual([
      expect.objectContaining({
        name: "Rowan",
        description: "A sailor who fears the dark.",
        isDefault: true,
      }),
    ]);
  });

  it("imports a world-info file, adds an entry and attaches the book", async () => {
    await page.getByTestId("lore-tab-lorebooks").click();
    await page.getByTestId("lorebook-import").setInputFiles(FIXTURE);
    await page.getByTestId("book-editor").waitFor();
    // The imported entries are listed once the book has loaded.
    await page.locator('li[data-testid^="entry-"]').first().waitFor();
    const before = await page.locator('li[data-testid^="entry-"]').count();
    await page.getByTestId("entry-add").click();
    await page.getByTestId("entry-name").fill("Lighthouse");
    await page.getByTestId("entry-keys").fill("lighthouse, beacon");
    await page.getByTestId("entry-content").fill("The lighthouse has been dark for a year.");
    await page.getByTestId("entry-save").click();
    await page.locator("li", { hasText: "Lighthouse" }).waitFor();
    expect(await page.locator('li[data-testid^="entry-"]').count()).toBe(before + 1);
    // The box follows the stored attachments, so it turns checked once the core has attached the book.
    await page.getByTestId("book-global").click();
    await page.locator('[data-testid="book-global"]:checked').waitFor();
    await page.getByTestId("book-character").selectOption(String(characterId));
    await page.getByTestId("book-attach-character").click();
    await page.locator(".lore-badge", { hasText: "Mira" }).waitFor();

    const books = JSON.parse((await masque("lorebooks", "list", "--json")).stdout) as { id: number }[];
    expect(books).toHaveLength(1);
    const book = JSON.parse((await masque("lorebooks", "show", String(books[0]?.id), "--json")).stdout) as {
      entries: { name: string; keys: string[]; content: string }[];
      attachments: { scope: string; targetId: number | null }[];
    };
    expect(book.entries).toContainEqual(
      expect.objectContaining({
        name: "Lighthouse",
        keys: ["lighthouse", "beacon"],
        content: "The lighthouse has been dark for a year.",
      }),
    );
    expect(book.attachments).toEqual(
      expect.arrayContaining([
        { scope: "global", targetId: null },
        { scope: "character", targetId: characterId },
      ]),
    );
  });

  it("starts a group chat and sets up its persona, note, lorebook and members", async () => {
    const otto = JSON.parse((await masque("characters", "create", "--name", "Otto", "--json")).stdout) as {
      id: number;
    };
    await page.getByTestId("lore-tab-chats").click();
    await page.getByTestId(`group-pick-${characterId}`).check();
    await page.getByTestId(`group-pick-${otto.id}`).check();
    await page.getByTestId("group-create").click();
    // The dialog closes on the new group chat; its setup is one click away in the chat header.
    await page.getByTestId("lore-dialog").waitFor({ state: "detached" });
    await page.getByTestId("open-chat-setup").click();
    await page.getByTestId("chat-setup").waitFor();
    const chats = JSON.parse((await masque("chats", "list", "--json")).stdout) as { id: number }[];
    expect(chats).toHaveLength(1);
    const chatId = String(chats[0]?.id);

    await page.getByTestId(`member-${otto.id}`).waitFor();
    await page.getByTestId(`member-mute-${otto.id}`).click();
    await page.getByTestId(`member-${otto.id}`).getByText("muted", { exact: true }).waitFor();
    await page.getByTestId("chat-persona").selectOption({ label: "Rowan" });
    await page.getByTestId("chat-note-text").fill("Keep it spooky.");
    await page.getByTestId("chat-note-depth").fill("2");
    await page.getByTestId("chat-note-save").click();
    await page.getByTestId("chat-note").getByText("Author's note", { exact: true }).waitFor();

    const view = JSON.parse((await masque("chats", "show", chatId, "--json")).stdout) as {
      group: boolean;
      members: { characterId: number; muted: boolean }[];
    };
    expect(view.group).toBe(true);
    expect(view.members.map((m) => [m.characterId, m.muted])).toEqual([
      [characterId, false],
      [otto.id, true],
    ]);
    const setup = JSON.parse((await masque("chats", "set", chatId, "--json")).stdout) as {
      persona: { persona: { name: string } | null };
      note: { own: { text: string; depth: number } | null };
      lorebooks: { name: string; via: string }[];
    };
    expect(setup.persona.persona?.name).toBe("Rowan");
    expect(setup.note.own).toMatchObject({ text: "Keep it spooky.", depth: 2 });
    // The book attached to Mira is active in her group chat.
    expect(setup.lorebooks.map((b) => b.via)).toContain("character");
  });

  it.skipIf(!HAS_TEST_MODEL)("shows which lore entry fired in the chat's prompt, and why", async () => {
    const chats = JSON.parse((await masque("chats", "list", "--json")).stdout) as { id: number }[];
    const chatId = String(chats[0]?.id);
    const sent = await masque(
      "chats",
      "send",
      chatId,
      "Tell me about the lighthouse.",
      "--max-tokens",
      "4",
      "--json",
    );
    expect(sent.code, sent.stderr).toBe(0);
    const userMessageId = (JSON.parse(sent.stdout) as { userMessageId: number }).userMessageId;
    await page.getByTestId("show-prompt-lore").click();
    const fired = page.getByTestId("prompt-lore-fired").filter({ hasText: "Lighthouse" });
    await fired.waitFor();
    expect(await fired.innerText()).toContain(`key "lighthouse" in message ${userMessageId}`);
    expect(await page.getByTestId("prompt-lore-persona").innerText()).toBe("Persona: Rowan");
    expect(await page.getByTestId("prompt-lore-note").innerText()).toContain("depth 2");
  });
});

/**
 * A group chat in headless Chromium against `masque web` with the real model: two characters, the
 * one named in the user's message answers and its reply is labelled with its name; swiping and
 * editing that reply keep it; the prompt inspector shows the lore entry that fired, and why.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

const LONG = { timeout: 90_000 };
const SOON = { timeout: 15_000 };

const worldInfo = {
  entries: {
    "0": {
      uid: 0,
      key: ["garden"],
      keysecondary: [],
      comment: "Garden",
      content: "LORE: the garden gate squeaks.",
    },
  },
};

describe.skipIf(!HAS_CHROMIUM || !HAS_TEST_MODEL)("a group chat in the browser", () => {
  let session: AppSession;
  let page: Page;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    session = await openAppSession({
      prefix: "masque-e2e-group-",
      settings: { modelPath: TEST_MODEL_PATH, threads: "1", maxTokens: "16", contextSize: "2048" },
      viewport: { width: 1280, height: 900 },
    });
    ({ page } = session);
    const masque = async (...args: string[]) => {
      const result = await runMasque(["--data-dir", session.dataDir, ...args]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    for (const name of ["Anna", "Otto"]) {
      ids[name] = (
        await masque("characters", "create", "--name", name, "--greeting", `I am ${name}.`, "--json")
      ).id as number;
    }
    const file = join(session.dataDir, "garden.json");
    writeFileSync(file, JSON.stringify(worldInfo));
    const book = await masque("lorebooks", "import", file, "--json");
    await masque("chats", "new", String(ids.Anna), String(ids.Otto), "--lorebook", String(book.id), "--json");
    await page.reload();
    await page.getByTestId("character-item").filter({ hasText: "Anna" }).click();
    await page.getByTestId("message").first().waitFor(SOON);
  });

  afterAll(async () => {
    await session?.close();
  });

  const messages = () => page.getByTestId("message");
  const lastMessage = () => messages().last();
  const nameOf = (locator: ReturnType<typeof lastMessage>) => locator.getByTestId("message-name").innerText();
  const idle = () => page.getByTestId("send-button").waitFor({ state: "visible", ...LONG });
  async function tool(testId: string) {
    await lastMessage().hover();
    await lastMessage().getByTestId(testId).click();
  }

  it("labels the greeting with its character, and the one named answers", async () => {
    expect(await nameOf(messages().first())).toBe("Anna");
    await page.getByTestId("message-input").fill("Otto, how is the garden today?");
    await page.getByTestId("message-input").press("Enter");
    await expect.poll(() => messages().count(), SOON).toBe(3);
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("complete");
    await idle();
    expect(await nameOf(lastMessage())).toBe("Otto");
  });

  it("swipes and edits the group reply, which stays Otto's", async () => {
    await tool("action-regenerate");
    await expect.poll(() => lastMessage().getByTestId("swipe-counter").innerText(), LONG).toBe("2/2");
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("complete");
    await idle();
    expect(await nameOf(lastMessage())).toBe("Otto");

    await tool("action-edit");
    await page.getByTestId("edit-textarea").fill("*Otto wipes his glasses* The garden is fine.");
    await page.getByTestId("edit-save").click();
    await lastMessage().getByTestId("message-edited").waitFor(SOON);
    expect(await lastMessage().getByTestId("message-text").innerText()).toContain("The garden is fine.");
    expect(await nameOf(lastMessage())).toBe("Otto");
  });

  it("lets the user pick who answers", async () => {
    await page.getByTestId("composer-answerer").selectOption({ label: "Anna answers" });
    await page.getByTestId("message-input").fill("And what do you think?");
    await page.getByTestId("message-input").press("Enter");
    await expect.poll(() => messages().count(), SOON).toBe(5);
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("complete");
    await idle();
    expect(await nameOf(lastMessage())).toBe("Anna");
  });

  it("shows in the prompt inspector which lore entry fired, and why", async () => {
    await page.getByTestId("prompt-inspector-open").click();
    const fired = page.getByTestId("prompt-lore-fired").filter({ hasText: "Garden" });
    await fired.waitFor(LONG);
    // The last reply's prompt: "garden" is in the edited reply Otto wrote, within the scan depth.
    const replyId = await messages().nth(2).getAttribute("data-message-id");
    expect(await fired.innerText()).toContain(`key "garden" in message ${replyId}`);
  });
});

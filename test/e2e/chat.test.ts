import { join } from "node:path";
import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession, RESULTS_DIR } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import type { WebProcess } from "../helpers/webProcess";

const RESULTS = RESULTS_DIR;

/** Runs in the page: records every distinct text of the newest reply while it grows. */
const RECORD_REPLY_TEXTS = `(() => {
  const seen = [];
  window.seenTexts = seen;
  new MutationObserver(() => {
    const bubbles = document.querySelectorAll('[data-testid="message"][data-role="character"]');
    const last = bubbles[bubbles.length - 1];
    const text = last?.querySelector('[data-testid="message-text"]')?.textContent ?? "";
    if (bubbles.length >= 2 && text && seen.at(-1) !== text) seen.push(text);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

describe.skipIf(!HAS_CHROMIUM || !HAS_TEST_MODEL)("browser mode end to end", () => {
  let session: AppSession;
  let web: WebProcess;
  let page: Page;
  let temp: { dir: string };

  beforeAll(async () => {
    session = await openAppSession({
      prefix: "masque-e2e-",
      settings: {
        modelPath: TEST_MODEL_PATH,
        // Two threads on a small machine slow generation enough to watch it stream and to stop it.
        threads: "2",
        maxTokens: "120",
        contextSize: "2048",
      },
      viewport: { width: 1280, height: 800 },
    });
    ({ web, page } = session);
    temp = { dir: session.dataDir };
  });

  afterAll(async () => {
    await session?.close();
  });

  const messages = () => page.getByTestId("message");
  const lastMessage = () => messages().last();

  it("refuses API requests without the token", async () => {
    const base = `http://127.0.0.1:${web.port}`;
    const response = await fetch(`${base}/api/call/characters.list`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    const page401 = await page.evaluate(
      async (url) => (await fetch(url, { method: "POST", body: "{}" })).status,
      `${base}/api/call/characters.list`,
    );
    expect(page401).toBe(401);
  });

  it("creates a character and shows it in the list", async () => {
    await page.getByTestId("new-character").click();
    await page.getByTestId("character-name-input").fill("Lily");
    await page.getByTestId("character-description-input").fill("Lily is a little girl who loves the park.");
    await page.getByTestId("character-greeting-input").fill("Hi! I am *waves* Lily. Do you want to play?");
    await page.getByTestId("character-create-submit").click();
    await expect.poll(() => page.getByTestId("character-item").filter({ hasText: "Lily" }).count()).toBe(1);
    await page.screenshot({ path: join(RESULTS, "character-list.png") });
  });

  it("opens a chat that starts with the greeting", async () => {
    await page.getByTestId("character-item").filter({ hasText: "Lily" }).click();
    if ((await messages().count()) === 0) await page.getByTestId("new-chat").click();
    await expect.poll(() => messages().count()).toBe(1);
    expect(await lastMessage().getAttribute("data-role")).toBe("character");
    expect(await lastMessage().getByTestId("message-text").innerText()).toContain("Do you want to play?");
    // Role-play markdown: *actions* are rendered in italics, never as raw asterisks.
    expect(await lastMessage().locator("em").count()).toBeGreaterThan(0);
  });

  it("sends with Enter, keeps Shift+Enter for new lines, and streams the reply in", async () => {
    const input = page.getByTestId("message-input");
    await input.fill("Hello Lily!");
    await input.press("Shift+Enter");
    await input.pressSequentially("What do you like?");
    expect(await input.inputValue()).toBe("Hello Lily!\nWhat do you like?");
    // Record every text the reply shows while it grows, and every API call of the turn.
    await page.evaluate(RECORD_REPLY_TEXTS);
    const calls: string[] = [];
    const onRequest = (request: Request) => {
      const method = /\/api\/call\/([\w.]+)/.exec(request.url())?.[1];
      if (method) calls.push(method);
    };
    page.on("request", onRequest);
    await input.press("Enter");
    // The first send waits for the model to load before the core stores the message.
    await expect.poll(() => messages().count(), { timeout: 90_000 }).toBe(3);
    expect(await messages().nth(1).getAttribute("data-role")).toBe("user");
    expect(await messages().nth(1).innerText()).toContain("What do you like?");
    await expect.poll(() => lastMessage().getAttribute("data-status"), { timeout: 90_000 }).toBe("complete");
    const reply = await lastMessage().getByTestId("message-text").innerText();
    expect(reply.trim().length).toBeGreaterThan(0);
    const seen = (await page.evaluate("window.seenTexts")) as string[];
    expect(seen.length).toBeGreaterThan(2);
    // A turn is the send call and its events: the stored reply is placed and the chat list
    // updated without reading the chat or the list again. (The model library refreshes itself
    // when its own events say the first load touched or hashed a model: not the chat's calls.)
    page.off("request", onRequest);
    expect(calls.filter((method) => !method.startsWith("models."))).toEqual(["chats.send"]);
    expect(await page.locator('[data-testid="chat-item"][aria-current="true"]').innerText()).toMatch(
      /3 messages/,
    );
    expect(await input.inputValue()).toBe("");
    await page.screenshot({ path: join(RESULTS, "chat-streamed-reply.png") });
  });

  it("stops a reply and keeps what was generated", async () => {
    await page.getByTestId("message-input").fill("Tell me a very long story about the park.");
    await page.getByTestId("send-button").click();
    await page.getByTestId("stop-button").waitFor({ state: "visible" });
    // The new reply streams in (two threads on a busy machine: the first words may take a while).
    const streaming = page.locator(
      '[data-testid="message"][data-status="streaming"] [data-testid="message-text"]',
    );
    await expect
      .poll(async () => ((await streaming.count()) > 0 ? (await streaming.innerText()).trim().length : 0), {
        timeout: 60_000,
      })
      .toBeGreaterThan(0);
    await page.getByTestId("stop-button").click();
    await expect.poll(() => lastMessage().getAttribute("data-status"), { timeout: 60_000 }).toBe("stopped");
    expect((await lastMessage().getByTestId("message-text").innerText()).trim().length).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("stop-button").count()).toBe(0);
    await page.getByTestId("send-button").waitFor({ state: "visible" });
  });

  it("finds the chat intact after a reload", async () => {
    const before = await messages().allInnerTexts();
    expect(before).toHaveLength(5);
    await page.reload();
    await page.getByTestId("character-item").filter({ hasText: "Lily" }).click();
    if ((await messages().count()) === 0) await page.getByTestId("chat-item").first().click();
    await expect.poll(() => messages().count()).toBe(5);
    expect(await messages().allInnerTexts()).toEqual(before);
    expect(await lastMessage().getAttribute("data-status")).toBe("stopped");
  });

  it("shows the loaded model and saves settings in the settings panel", async () => {
    await page.getByTestId("open-settings").click();
    await page.getByTestId("settings-panel").waitFor();
    await expect.poll(() => page.getByTestId("model-status").innerText()).toMatch(/loaded/i);
    await page.getByTestId("settings-user-name").fill("Sam");
    await page.getByTestId("settings-save").click();
    await expect
      .poll(
        async () => {
          const r = await runMasque(["--data-dir", temp.dir, "settings", "get", "userName"]);
          return r.stdout.trim();
        },
        // Each read starts a CLI process (about a second on a busy machine).
        { timeout: 15_000 },
      )
      .toBe("Sam");
    await page.getByTestId("model-path-input").fill(join(temp.dir, "missing.gguf"));
    await page.getByTestId("model-load-button").click();
    await expect
      .poll(() => page.getByTestId("settings-panel").innerText(), { timeout: 15_000 })
      .toContain("MODEL_INVALID");
    await page.getByTestId("close-settings").click();
  });
});

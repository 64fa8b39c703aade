/**
 * The chat flow in a real browser against a remote backend: `masque web` (a real process, real
 * database) talks to a loopback llama-server of our own. Add and test the server in Settings,
 * switch to it from the header, send, watch it stream, stop, swipe, and read the provenance.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession, RESULTS_DIR } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { type FakeBackend, startFakeBackend } from "../helpers/fakeBackendServer";

const LONG = { timeout: 30_000 };

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

describe.skipIf(!HAS_CHROMIUM)("remote backend in the browser", () => {
  let session: AppSession;
  let server: FakeBackend;
  let page: Page;

  beforeAll(async () => {
    server = await startFakeBackend({ dialect: "llama-server", model: "remote-7b", contextSize: 4096 });
    session = await openAppSession({ prefix: "masque-e2e-remote-", settings: { maxTokens: "64" } });
    ({ page } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  const messages = () => page.getByTestId("message");
  const lastMessage = () => messages().last();
  const lastText = () => lastMessage().getByTestId("message-text").innerText();

  async function tool(testId: string): Promise<void> {
    await lastMessage().hover();
    await lastMessage().getByTestId(testId).click();
  }

  it("adds and tests a server in Settings: it shows the server's model and context size", async () => {
    await page.getByTestId("open-settings").click();
    const section = page.getByTestId("backends-section");
    await section.waitFor();
    await section.getByTestId("backend-add-open").click();
    await section.getByTestId("backend-name").fill("box");
    await section.getByTestId("backend-kind").selectOption("llama-server");
    await section.getByTestId("backend-url").fill("http://example.com:8080");
    await section.getByTestId("backend-add-submit").click();
    await expect
      .poll(() => section.getByTestId("error-banner").innerText())
      .toContain("only allowed to loopback");
    await section.getByTestId("backend-url").fill(server.url);
    await section.getByTestId("backend-add-submit").click();
    const row = section.locator('[data-testid="backend-row"][data-name="box"]');
    await expect
      .poll(() => row.getByTestId("backend-test-result").innerText(), LONG)
      .toBe("Connected: remote-7b, context 4,096 tokens");
    await page.screenshot({ path: join(RESULTS_DIR, "remote-backend-settings.png") });
    await page.getByTestId("close-settings").click();
  });

  it("switches to the server from the header; the model status names it", async () => {
    await page.getByTestId("backend-switch").selectOption("box");
    await expect.poll(() => page.getByTestId("model-status-pill").innerText()).toContain("box");
  });

  it("sends, and the reply streams in from the server", async () => {
    await page.getByTestId("new-character").click();
    await page.getByTestId("character-name-input").fill("Lily");
    await page.getByTestId("character-greeting-input").fill("Hi! I am Lily.");
    await page.getByTestId("character-create-submit").click();
    await page.getByTestId("character-item").filter({ hasText: "Lily" }).click();
    if ((await messages().count()) === 0) await page.getByTestId("new-chat").click();
    await expect.poll(() => messages().count()).toBe(1);

    server.plan = {
      pieces: ["Once", " upon", " a", " time", " there", " was", " a", " park."],
      delayMs: 120,
      ending: "eos",
    };
    await page.evaluate(RECORD_REPLY_TEXTS);
    await page.getByTestId("message-input").fill("Tell me a story");
    await page.getByTestId("send-button").click();
    await expect.poll(() => messages().count(), LONG).toBe(3);
    await expect.poll(() => lastText(), LONG).toBe("Once upon a time there was a park.");
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("complete");
    await page.getByTestId("send-button").waitFor({ state: "visible", ...LONG });
    const seen = (await page.evaluate("window.seenTexts")) as string[];
    expect(seen.length).toBeGreaterThan(2);
    expect(String(server.completions().at(-1)?.prompt)).toContain("Tell me a story");
    await expect.poll(() => page.getByTestId("model-status-pill").innerText()).toContain("box: remote-7b");
  });

  it("stops a reply: the request is closed and the partial text is kept", async () => {
    server.plan = { pieces: Array.from({ length: 300 }, (_, i) => ` word${i}`), delayMs: 40, ending: "eos" };
    await page.getByTestId("message-input").fill("Go on and on");
    await page.getByTestId("send-button").click();
    await page.getByTestId("stop-button").waitFor({ state: "visible" });
    // Stop shows as the call starts: wait for the reply's first words, not just any last message.
    await expect.poll(async () => (await lastText()).startsWith("word0 word1 word2"), LONG).toBe(true);
    await page.getByTestId("stop-button").click();
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("stopped");
    expect((await lastText()).startsWith("word0 word1")).toBe(true);
    await expect.poll(() => server.disconnects, LONG).toBe(1);
  });

  it("regenerates a swipe through the server and shows the backend in the provenance", async () => {
    server.plan = { pieces: ["A", " new", " swipe."], delayMs: 20, ending: "limit" };
    await tool("action-regenerate");
    await expect.poll(() => lastText(), LONG).toBe("A new swipe.");
    await expect.poll(() => lastMessage().getByTestId("swipe-counter").innerText()).toContain("2");
    await page.getByTestId("send-button").waitFor({ state: "visible", ...LONG });
    await tool("action-info");
    const dialog = page.getByTestId("provenance-dialog");
    await dialog.waitFor();
    expect(await dialog.getByTestId("provenance-backend").innerText()).toBe("box");
    expect(await dialog.getByTestId("provenance-model").innerText()).toBe("remote-7b");
    await page.screenshot({ path: join(RESULTS_DIR, "remote-backend-provenance.png") });
    await page.getByTestId("provenance-close").click();
  });

  it("shows a clear error when the server is gone, and switches back to this machine", async () => {
    server.plan = { ...server.plan, fail: { status: 500, message: "the GPU caught fire" } };
    await page.getByTestId("message-input").fill("Still there?");
    await page.getByTestId("send-button").click();
    await expect
      .poll(() => page.getByTestId("error-banner").first().innerText(), LONG)
      .toContain("the GPU caught fire");
    expect(await page.getByTestId("error-banner").first().innerText()).toContain("BACKEND_ERROR");
    // The user's message stays in the chat.
    await expect.poll(() => page.getByTestId("message").filter({ hasText: "Still there?" }).count()).toBe(1);
    await page.getByTestId("backend-switch").selectOption("local");
    await expect.poll(() => page.getByTestId("model-status-pill").innerText()).toMatch(/no model$/);
  });
});

/**
 * The chat with long histories in the browser: a 10,000-message chat seeded through the
 * repositories opens with few elements and reads earlier pages as the reader scrolls up; links in
 * replies open outside the app; a second window attached to a chat mid-generation follows it.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatRepository } from "../../electron/storage/chatRepository";
import { openDatabase } from "../../electron/storage/database";
import { type LongChatSeed, seedLongChat } from "../../scripts/seedLongChat";
import { type AppSession, openAppSession, RESULTS_DIR } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const LINKS_TITLE = "Links chat";
const LINK_REPLY =
  "*points at the map* Read [the keeper's log](https://example.org/log) first, " +
  "then see https://example.org/map.png)} for the coast.";
const SOON = { timeout: 15_000 };
const LONG = { timeout: 90_000 };

/** The scroll area of the chat and what it shows, read in the page. */
const VIEWPORT = `(() => {
  const scroll = document.querySelector('[data-testid="message-scroll"]');
  const box = scroll.getBoundingClientRect();
  const visible = [...document.querySelectorAll('[data-testid="message"]')].filter((m) => {
    const r = m.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom;
  });
  return {
    scrollTop: scroll.scrollTop,
    rendered: document.querySelectorAll('[data-testid="message"]').length,
    elements: document.getElementsByTagName("*").length,
    visibleIds: visible.map((m) => Number(m.dataset.messageId)),
  };
})()`;

/** Runs in the page: records every distinct non-empty text of a streaming bubble. */
const RECORD_STREAMED_TEXTS = `(() => {
  window.streamedTexts = [];
  addEventListener("DOMContentLoaded", () => {
    new MutationObserver(() => {
      const bubble = document.querySelector('[data-testid="message"][data-status="streaming"] [data-testid="message-text"]');
      const text = bubble?.innerText.trim() ?? "";
      if (text && window.streamedTexts.at(-1) !== text) window.streamedTexts.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
})()`;

interface Viewport {
  scrollTop: number;
  rendered: number;
  elements: number;
  visibleIds: number[];
}

/** A chat with one reply holding a Markdown link and a bare URL followed by punctuation. */
function seedLinksChat(dataDir: string, characterId: number): void {
  const database = openDatabase(dataDir);
  try {
    const chats = new ChatRepository(database);
    const chatId = chats.createChat(characterId, LINKS_TITLE, [], Date.UTC(2024, 1, 1));
    const question = chats.addMessage({ chatId, parentId: null, role: "user", text: "Where do I start?" });
    chats.addMessage({ chatId, parentId: question.id, role: "character", text: LINK_REPLY });
  } finally {
    database.close();
  }
}

describe.skipIf(!HAS_CHROMIUM || !HAS_TEST_MODEL)("long chats in the browser", () => {
  const temp = makeTempDir("masque-e2e-long-");
  let seed: LongChatSeed;
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    seed = seedLongChat(temp.dir, { longMessages: 10_000 });
    seedLinksChat(temp.dir, seed.characterId);
    session = await openAppSession({
      dataDir: temp.dir,
      settings: {
        modelPath: TEST_MODEL_PATH,
        // Two threads on a small machine make the reply slow enough to attach to it mid-way.
        threads: "2",
        maxTokens: "400",
        contextSize: "2048",
      },
      viewport: { width: 1280, height: 800 },
    });
    ({ page } = session);
    await page.getByTestId("character-item").filter({ hasText: seed.characterName }).click();
    await page.getByTestId("chat-item").first().waitFor();
  });

  afterAll(async () => {
    await session?.close();
    temp.cleanup();
  });

  const viewport = (p: Page = page) => p.evaluate<Viewport>(VIEWPORT);
  const openChat = async (p: Page, title: string) => {
    await p.getByTestId("chat-item").filter({ hasText: title }).click();
    await expect.poll(() => p.locator(".chat-header-sub").innerText(), SOON).toBe(title);
  };

  it("opens a 10,000-message chat at its end with only a few messages in the DOM", async () => {
    await openChat(page, seed.titles.long);
    const lastId = seed.longMessageIds.at(-1) as number;
    await page.locator(`[data-testid="message"][data-message-id="${lastId}"]`).waitFor(SOON);
    const opened = await viewport();
    expect(opened.elements).toBeLessThan(3_000);
    expect(opened.rendered).toBeGreaterThan(2);
    expect(opened.rendered).toBeLessThan(60);
    expect(opened.visibleIds).toContain(lastId);
    expect(await page.getByTestId("chat-item").filter({ hasText: seed.titles.long }).innerText()).toMatch(
      /10000 messages/,
    );
    await page.screenshot({ path: join(RESULTS_DIR, "long-chat.png") });
  });

  it("reads earlier messages at the top while the message the reader saw stays in view", async () => {
    const firstLoaded = seed.longMessageIds.at(-100) as number;
    const firstIndex = seed.longMessageIds.length - 100;
    // At the very top of the first page, its first message is the one on screen.
    await page.evaluate(`document.querySelector('[data-testid="message-scroll"]').scrollTop = 0`);
    await expect
      .poll(async () => (await viewport()).visibleIds.some((id) => id < firstLoaded), SOON)
      .toBe(true);
    const after = await viewport();
    expect(after.visibleIds).toContain(firstLoaded);
    expect(after.scrollTop).toBeGreaterThan(0);
    expect(after.elements).toBeLessThan(3_000);
    // The page before it is in place: the message just before the first one is the one above it.
    const previous = seed.longMessageIds[firstIndex - 1] as number;
    expect(after.visibleIds.indexOf(previous)).toBe(after.visibleIds.indexOf(firstLoaded) - 1);

    // Scrolling up with the wheel keeps reading pages, never filling the DOM.
    const box = await page.getByTestId("message-scroll").boundingBox();
    await page.mouse.move((box?.x ?? 0) + 200, (box?.y ?? 0) + 200);
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, -4_000);
      await page.waitForTimeout(150);
    }
    await expect
      .poll(async () => Math.min(...(await viewport()).visibleIds), SOON)
      .toBeLessThan(seed.longMessageIds[firstIndex - 150] as number);
    expect((await viewport()).elements).toBeLessThan(3_000);
  });

  it("opens links of replies in a new tab, with no access to the app's window", async () => {
    await page
      .context()
      .route("https://example.org/**", (route) =>
        route.fulfill({ status: 200, contentType: "text/plain", body: "outside" }),
      );
    await openChat(page, LINKS_TITLE);
    const reply = page.locator('[data-testid="message"][data-role="character"]');
    const links = reply.locator("a");
    await expect.poll(() => links.count(), SOON).toBe(2);
    for (const link of await links.all()) {
      expect(await link.getAttribute("target")).toBe("_blank");
      expect(await link.getAttribute("rel")).toMatch(/\bnoopener\b/);
    }
    expect(await links.nth(0).getAttribute("href")).toBe("https://example.org/log");
    // The bare URL ends before the punctuation that follows it.
    expect(await links.nth(1).getAttribute("href")).toBe("https://example.org/map.png");
    expect(await reply.getByTestId("message-text").innerText()).toContain("map.png)} for the coast.");

    const appUrl = page.url();
    const popup = page.waitForEvent("popup");
    await links.nth(0).click();
    const opened = await popup;
    await opened.waitForLoadState();
    expect(opened.url()).toBe("https://example.org/log");
    expect(await opened.evaluate("window.opener === null")).toBe(true);
    expect(page.url()).toBe(appUrl);
    await opened.close();
  });

  it("shows a reply in a second window that attaches mid-generation, then the same final reply", async () => {
    await openChat(page, seed.titles.short);
    const last = (p: Page) => p.getByTestId("message").last();
    const input = page.getByTestId("message-input");
    await input.fill("Tell me a very long story about the lighthouse.");
    await input.press("Enter");
    const streamed = last(page).and(page.locator('[data-status="streaming"]')).getByTestId("message-text");
    await expect
      .poll(async () => (await streamed.count()) > 0 && (await streamed.innerText()).trim().length > 0, LONG)
      .toBe(true);

    // What the first window shows just before the second one opens the chat.
    const before = (await streamed.innerText()).trim().length;
    const second = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await second.addInitScript(RECORD_STREAMED_TEXTS);
      await second.goto(session.web.url);
      await second.getByTestId("character-item").filter({ hasText: seed.characterName }).click();
      await openChat(second, seed.titles.short);
      // The text generated so far at once (from the chat's pending generation), not from the
      // next delta on: the first text the second window shows is at least what the first showed.
      await expect
        .poll(() => second.evaluate<number>("window.streamedTexts.length"), LONG)
        .toBeGreaterThan(0);
      const first = await second.evaluate<string>("window.streamedTexts[0]");
      expect(first.length).toBeGreaterThanOrEqual(before);
      const attachedAt = first;
      const shown = second.getByTestId("message");
      expect(await shown.nth((await shown.count()) - 2).innerText()).toContain("very long story");
      await expect
        .poll(async () => (await last(second).getByTestId("message-text").innerText()).trim().length, LONG)
        .toBeGreaterThan(attachedAt.length);

      // Stopped from the second window: both show the same stored reply.
      await second.getByTestId("stop-button").click();
      for (const p of [page, second]) {
        await expect.poll(() => last(p).getAttribute("data-status"), LONG).toBe("stopped");
        await p.getByTestId("send-button").waitFor(LONG);
      }
      const texts = [
        await last(page).getByTestId("message-text").innerText(),
        await last(second).getByTestId("message-text").innerText(),
      ];
      expect(texts[1]).toBe(texts[0]);
      expect(await last(second).getAttribute("data-message-id")).toBe(
        await last(page).getAttribute("data-message-id"),
      );
      expect(texts[0]?.trim().startsWith(attachedAt.slice(0, 20))).toBe(true);
    } finally {
      await second.close();
    }
  });
});

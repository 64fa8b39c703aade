/**
 * The library UI in headless Chromium against `masque web` (no model needed): import a PIPPA file
 * with the file picker and a character card by drag-and-drop, read the reports, search (FTS), filter
 * by tag, sort, open a character page and a reference session, edit and delete, then a 1,500-character
 * list that must stay windowed. Screenshots go to test-results/ (not committed).
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { PROJECT_ROOT } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const RESULTS = join(PROJECT_ROOT, "test-results");

interface Bot {
  name: string;
  categories: string[];
  description: string;
  sessions: number;
}

const BOTS: Bot[] = [
  {
    name: "Aria the Navigator",
    categories: ["Fantasy", "Adventure"],
    description: "A sky-ship navigator who charts storms.",
    sessions: 6,
  },
  { name: "Byte", categories: ["Sci-Fi", "Comedy"], description: "A sarcastic robot vacuum.", sessions: 4 },
  {
    name: "Captain Vell",
    categories: ["Fantasy", "Action"],
    description: "A pirate captain with a cursed compass.",
    sessions: 4,
  },
  {
    name: "Doctor Quill",
    categories: ["Mystery"],
    description: "A detective who solves crimes with ink.",
    sessions: 4,
  },
  {
    name: "Ember",
    categories: ["Fantasy", "Romance"],
    description: "A fire spirit living in a lantern.",
    sessions: 4,
  },
  {
    name: "Professor Hoot",
    categories: ["Education", "Comedy"],
    description: "An owl who teaches astronomy at night.",
    sessions: 4,
  },
];

/** 1-based line numbers of the broken lines in the PIPPA file, and what is wrong with each. */
const BAD_LINES: Record<number, string> = {
  5: '{"submission_timestamp": 1674795100921, "bot_id": "truncated", "bot_name": ',
  12: "this line is not JSON at all",
  19: "MISSING bot_id",
  27: "MISSING conversation",
};

/** A PIPPA bot id: 43 characters of URL-safe base64, like Character.AI's. */
const botId = (name: string) => createHash("sha256").update(name).digest("base64url");

function pippaRecord(bot: Bot, n: number, extraMessages = true): Record<string, unknown> {
  const greeting = `*${bot.name} waves.* Hello, {{user}}!`;
  const conversation = [
    { message: greeting, is_human: false },
    { message: `Hi ${bot.name}, this is session ${n}. I am {{user}}.`, is_human: true },
  ];
  if (extraMessages) {
    conversation.push(
      { message: `*smiles* Welcome, {{user}}. Session ${n} begins.`, is_human: false },
      { message: "Tell me more about yourself.", is_human: true },
    );
  }
  return {
    submission_timestamp: 1_674_795_100_921 + n * 60_000,
    categories: bot.categories,
    bot_id: botId(bot.name),
    bot_name: bot.name,
    bot_greeting: greeting,
    bot_definitions: `{{char}}: I am ${bot.name}.\n{{random_user_1}}: Nice to meet you.\nEND_OF_DIALOG`,
    bot_description: bot.description,
    conversation,
  };
}

/** 30 lines: 26 valid sessions of 6 bots, round robin, and 4 broken lines. */
function smallPippaFile(): string {
  const valid: Record<string, unknown>[] = [];
  const left = BOTS.map((bot) => bot.sessions);
  for (let n = 0; valid.length < 26; n++) {
    const index = n % BOTS.length;
    if ((left[index] ?? 0) > 0) {
      left[index] = (left[index] ?? 0) - 1;
      valid.push(pippaRecord(BOTS[index] as Bot, valid.length + 1));
    }
  }
  const lines: string[] = [];
  for (let line = 1; line <= 30; line++) {
    const bad = BAD_LINES[line];
    if (bad === undefined) {
      lines.push(JSON.stringify(valid.shift()));
      continue;
    }
    const record = pippaRecord(BOTS[0] as Bot, 1000 + line);
    if (bad === "MISSING bot_id") delete record.bot_id;
    if (bad === "MISSING conversation") delete record.conversation;
    lines.push(bad.startsWith("MISSING") ? JSON.stringify(record) : bad);
  }
  return `${lines.join("\n")}\n`;
}

/** Messages in the last bulk bot's one session: long enough that the viewer must virtualize it. */
const LONG_SESSION = 3000;

function bulkPippaFile(count: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `Zz Bulk ${String(i).padStart(4, "0")}`;
    const bot = { name, categories: ["Bulk"], description: `Bulk character number ${i}.`, sessions: 1 };
    const record = pippaRecord(bot, i, false);
    if (i === count) {
      record.conversation = Array.from({ length: LONG_SESSION }, (_, m) => ({
        message: m % 2 === 0 ? `*Turn ${m + 1}* of a very long night.` : `Message ${m + 1} from {{user}}.`,
        is_human: m % 2 === 1,
      }));
    }
    lines.push(JSON.stringify(record));
  }
  return `${lines.join("\n")}\n`;
}

const LUMEN_CARD = {
  spec: "chara_card_v2",
  spec_version: "2.0",
  data: {
    name: "Lumen",
    description: "Lumen keeps the lighthouse on a stormy island.",
    personality: "Calm, patient.",
    scenario: "A storm is coming.",
    first_mes: "*The lamp turns.* You made it through the storm, {{user}}.",
    mes_example: "<START>\n{{user}}: Is the light on?\n{{char}}: Always.",
    creator_notes: "Made for the lighthouse test. Keep the light on.",
    system_prompt: "",
    post_history_instructions: "",
    alternate_greetings: ["*Lumen polishes the lens.* Oh, a visitor."],
    tags: ["Maritime"],
    creator: "Masque tests",
    character_version: "1.0",
    extensions: { masque_test: { lamp: "on" } },
  },
};

const SCROLL_TO_BOTTOM = `(() => {
  const list = document.querySelector('[data-testid="character-list"]');
  list.scrollTop = list.scrollHeight;
})()`;

/** Scrolls the session viewer to its end, again until the measured rows stop growing it. */
const SCROLL_SESSION_TO_BOTTOM = `(async () => {
  const scroll = document.querySelector('[data-testid="session-scroll"]');
  for (let i = 0; i < 20; i++) {
    scroll.scrollTop = scroll.scrollHeight;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    if (scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 1) return;
  }
})()`;

/** The name in the focused character row ("" when the focus is elsewhere, e.g. on <body>). */
const FOCUSED_ROW = `document.activeElement?.closest('[data-testid="character-item"]')?.querySelector('.character-name')?.textContent ?? ""`;

/** Runs in the page: remembers whether the import progress panel was ever shown. */
const WATCH_PROGRESS = `(() => {
  window.sawImportProgress = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="import-progress"]')) window.sawImportProgress = true;
  }).observe(document.body, { subtree: true, childList: true });
})()`;

describe.skipIf(!HAS_CHROMIUM)("library in the browser", () => {
  const temp = makeTempDir("masque-e2e-library-");
  const files = join(temp.dir, "files");
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    mkdirSync(files, { recursive: true });
    writeFileSync(join(files, "pippa_small.jsonl"), smallPippaFile());
    writeFileSync(join(files, "pippa_bulk.jsonl"), bulkPippaFile(1500));
    session = await openAppSession({ dataDir: join(temp.dir, "data") });
    ({ page } = session);
    await page.getByTestId("library-count").waitFor();
  });

  afterAll(async () => {
    await session?.close();
    temp.cleanup();
  });

  const items = () => page.getByTestId("character-item");
  const item = (name: string) => items().filter({ hasText: name });
  const shownCount = async () => Number(await page.getByTestId("library-count").getAttribute("data-count"));
  const names = () => page.locator('[data-testid="character-item"] .character-name').allInnerTexts();
  const stat = async (testId: string) => Number(await page.getByTestId(testId).getAttribute("data-value"));

  async function finishImport(): Promise<void> {
    await page.getByTestId("import-report").waitFor({ timeout: 60_000 });
  }

  async function closeReport(): Promise<void> {
    await page.getByTestId("import-report-ok").click();
    await page.getByTestId("import-report").waitFor({ state: "detached" });
  }

  async function openProfile(name: string): Promise<void> {
    await item(name).click();
    await page.getByTestId("view-profile").click();
    await expect.poll(() => page.getByTestId("character-page-name").innerText()).toBe(name);
  }

  it("imports a PIPPA file picked with Import and reports refused lines by number", async () => {
    await page.evaluate(WATCH_PROGRESS);
    await page.getByTestId("import-input").setInputFiles(join(files, "pippa_small.jsonl"));
    await finishImport();
    expect(await page.evaluate("window.sawImportProgress")).toBe(true);
    expect(await page.getByTestId("report-format").innerText()).toMatch(/PIPPA/);
    expect(await stat("report-created")).toBe(6);
    expect(await stat("report-updated")).toBe(0);
    expect(await stat("report-sessions-added")).toBe(26);
    expect(await stat("report-sessions-skipped")).toBe(0);
    expect(await stat("report-refused-count")).toBe(4);
    const refused = page.getByTestId("refused-line");
    const lines = (await refused.all()).map((line) => line.getAttribute("data-line"));
    expect((await Promise.all(lines)).map(Number)).toEqual([5, 12, 19, 27]);
    expect(await refused.nth(0).innerText()).toMatch(/Line 5.*JSON/i);
    expect(await refused.nth(2).innerText()).toMatch(/bot_id/);
    expect(await refused.nth(3).innerText()).toMatch(/conversation/);
    await closeReport();
    await expect.poll(shownCount).toBe(6);
    expect(await names()).toEqual(BOTS.map((b) => b.name));
  });

  it("imports a character card dropped on the window", async () => {
    // Built in the page (this file has no DOM types): a DataTransfer holding one File, as a real drop does.
    const dataTransfer = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      const text = ${JSON.stringify(JSON.stringify(LUMEN_CARD))};
      transfer.items.add(new File([text], "lumen.json", { type: "application/json" }));
      return transfer;
    })()`);
    await page.dispatchEvent("body", "dragenter", { dataTransfer });
    await page.getByTestId("drop-overlay").waitFor({ state: "visible" });
    await page.dispatchEvent("body", "drop", { dataTransfer });
    await finishImport();
    expect(await page.getByTestId("drop-overlay").count()).toBe(0);
    expect(await page.getByTestId("report-format").innerText()).toMatch(/card/i);
    expect(await stat("report-created")).toBe(1);
    expect(await stat("report-refused-count")).toBe(0);
    await closeReport();
    await expect.poll(shownCount).toBe(7);
  });

  it("searches name, description and tags with prefixes (FTS)", async () => {
    const search = page.getByTestId("library-search");
    await search.fill("lighthouse");
    await expect.poll(shownCount).toBe(1);
    expect(await names()).toEqual(["Lumen"]);
    await search.fill("navig");
    await expect.poll(names).toEqual(["Aria the Navigator"]);
    await search.fill("romance");
    await expect.poll(names).toEqual(["Ember"]);
    await search.fill("");
    await expect.poll(shownCount).toBe(7);
  });

  it("filters by tag with counts and sorts by name or by import", async () => {
    const tagFilter = page.getByTestId("tag-filter");
    await expect.poll(() => tagFilter.locator("option").allInnerTexts()).toContain("Fantasy (3)");
    expect(await tagFilter.locator("option").allInnerTexts()).toContain("Comedy (2)");
    await tagFilter.selectOption("Fantasy");
    await expect.poll(names).toEqual(["Aria the Navigator", "Captain Vell", "Ember"]);
    expect(await page.getByTestId("library-count").innerText()).toMatch(/^3 matching/);
    await tagFilter.selectOption("");
    await expect.poll(shownCount).toBe(7);

    expect((await names())[0]).toBe("Aria the Navigator");
    await page.getByTestId("sort-select").selectOption("imported");
    await expect.poll(async () => (await names())[0]).toBe("Lumen");
    await page.getByTestId("sort-select").selectOption("name");
    await expect.poll(async () => (await names())[0]).toBe("Aria the Navigator");
  });

  it("shows every field of a card, creator notes apart, and exports it", async () => {
    await openProfile("Lumen");
    const notes = page.getByTestId("creator-notes");
    expect(await notes.innerText()).toMatch(/never sent to the model/i);
    expect(await notes.innerText()).toContain("Keep the light on.");
    expect(await page.getByTestId("source-badge").getAttribute("data-source")).toBe("card");
    expect(await page.getByTestId("card-field-description").innerText()).toContain("stormy island");
    expect(await page.getByTestId("card-field-alternate_greetings").innerText()).toContain(
      "polishes the lens",
    );
    expect(await page.getByTestId("card-field-mes_example").innerText()).toContain("Is the light on?");
    expect(await page.getByTestId("card-field-creator").innerText()).toContain("Masque tests");
    expect(await page.getByTestId("card-field-extensions").innerText()).toContain('"lamp": "on"');

    for (const format of ["v2", "png"] as const) {
      await page.locator('[data-testid="export-menu"] > summary').click();
      const download = page.waitForEvent("download");
      await page.getByTestId(`export-${format}`).click();
      expect((await download).suggestedFilename()).toMatch(format === "png" ? /\.png$/ : /\.json$/);
    }
  });

  it("opens a PIPPA character's page with its reference sessions and a read-only transcript", async () => {
    await item("Aria the Navigator").click();
    // No chat yet: selecting the character shows its page.
    await expect.poll(() => page.getByTestId("character-page-name").innerText()).toBe("Aria the Navigator");
    expect(await page.getByTestId("source-badge").getAttribute("data-source")).toBe("pippa");
    expect(await page.getByTestId("creator-notes").innerText()).toMatch(/never sent to the model/i);
    const sessions = page.getByTestId("reference-session");
    await expect.poll(() => sessions.count()).toBe(6);
    expect(await sessions.first().innerText()).toMatch(/4 messages/);
    await page.screenshot({ path: join(RESULTS, "character-page.png") });

    await sessions.first().click();
    const viewer = page.getByTestId("session-viewer");
    await viewer.waitFor();
    const messages = viewer.getByTestId("session-message");
    await expect.poll(() => messages.count()).toBe(4);
    expect(await messages.nth(0).getAttribute("data-role")).toBe("character");
    expect(await messages.nth(1).getAttribute("data-role")).toBe("user");
    // {{user}} is shown as the user's name, and *actions* as role-play italics.
    expect(await messages.nth(1).innerText()).toContain("I am User.");
    expect(await messages.nth(0).locator("em").count()).toBeGreaterThan(0);
    await page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });
  });

  it("edits a field, keeps the text on errors, and the change survives a reload", async () => {
    await page.getByTestId("edit-character").click();
    const editor = page.getByTestId("character-editor");
    await editor.waitFor();
    const edited = "Edited: a navigator of the cloud seas.";
    await page.getByTestId("editor-description").fill(edited);

    // Invalid JSON is caught before saving, with its position.
    const extensions = page.getByTestId("editor-extensions");
    const originalExtensions = await extensions.inputValue();
    await extensions.fill('{\n  "a": 1,\n}');
    await page.getByTestId("editor-save").click();
    expect(await page.getByTestId("editor-error-extensions").innerText()).toMatch(/line 3, column 1/);
    await extensions.fill(originalExtensions);

    // The core refuses a tag over 100 characters: the error shows at the field, nothing typed is lost.
    const tags = page.getByTestId("editor-tags");
    const originalTags = await tags.inputValue();
    await tags.fill(`${originalTags}, ${"x".repeat(101)}`);
    await page.getByTestId("editor-save").click();
    await page.getByTestId("editor-error-tags").waitFor();
    expect(await page.getByTestId("editor-description").inputValue()).toBe(edited);
    await tags.fill(originalTags);

    await page.getByTestId("editor-save").click();
    await editor.waitFor({ state: "detached" });
    expect(await page.getByTestId("card-field-description").innerText()).toContain(edited);

    await page.reload();
    await item("Aria the Navigator").click();
    await page.getByTestId("character-page").waitFor();
    await expect.poll(() => page.getByTestId("card-field-description").innerText()).toContain(edited);
    await page.getByTestId("library-search").fill("cloud seas");
    await expect.poll(names).toEqual(["Aria the Navigator"]);
    await page.getByTestId("library-search").fill("");
  });

  it("deletes a character after a confirmation naming it", async () => {
    await expect.poll(shownCount).toBe(7);
    await openProfile("Byte");
    await page.getByTestId("delete-character").click();
    const dialog = page.getByTestId("delete-dialog");
    expect(await dialog.innerText()).toMatch(/Delete\s+Byte\?.*chats.*deleted too/s);
    await page.getByTestId("confirm-delete").click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(shownCount).toBe(6);
    expect(await item("Byte").count()).toBe(0);
    expect(await page.getByTestId("character-page").count()).toBe(0);
  });

  it("keeps 1,500+ characters windowed: few rows in the DOM, the last one reachable", async () => {
    await page.getByTestId("import-input").setInputFiles(join(files, "pippa_bulk.jsonl"));
    await finishImport();
    expect(await stat("report-created")).toBe(1500);
    expect(await stat("report-refused-count")).toBe(0);
    await closeReport();
    await expect.poll(shownCount).toBe(1506);
    expect(await page.getByTestId("library-count").innerText()).toMatch(/1,506 characters/);
    const rendered = await items().count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    await item("Ember").click();
    await page.getByTestId("creator-notes").waitFor();
    await page.screenshot({ path: join(RESULTS, "library.png") });

    await page.evaluate(SCROLL_TO_BOTTOM);
    await item("Zz Bulk 1500").waitFor({ state: "visible" });
    expect(await items().count()).toBeLessThan(100);
    expect(await item("Aria the Navigator").count()).toBe(0);

    // Keyboard: Home/End move the focus to rows that were not in the DOM.
    await item("Zz Bulk 1500").focus();
    await page.keyboard.press("Home");
    await expect.poll(() => page.evaluate<string>(FOCUSED_ROW)).toBe("Aria the Navigator");
    await page.keyboard.press("End");
    await expect.poll(() => page.evaluate<string>(FOCUSED_ROW)).toBe("Zz Bulk 1500");
    await page.keyboard.press("ArrowUp");
    await expect.poll(() => page.evaluate<string>(FOCUSED_ROW)).toBe("Zz Bulk 1499");

    // A new sort starts at the top of the list, wherever it was scrolled.
    await page.getByTestId("sort-select").selectOption("imported");
    await expect.poll(async () => (await names())[0]).toBe("Zz Bulk 1500");
    await page.getByTestId("sort-select").selectOption("name");
    await expect.poll(async () => (await names())[0]).toBe("Aria the Navigator");

    const search = page.getByTestId("library-search");
    const started = Date.now();
    await search.fill("bulk 07");
    await expect.poll(shownCount).toBe(100);
    console.info(`library: search over 1,506 characters answered and rendered in ${Date.now() - started} ms`);
    expect(await items().count()).toBeLessThan(100);
    await search.fill("");
    await expect.poll(shownCount).toBe(1506);
  });

  it("shows a transcript of thousands of messages with only the visible ones in the DOM", async () => {
    await page.getByTestId("library-search").fill("bulk 1500");
    await expect.poll(names).toEqual(["Zz Bulk 1500"]);
    await item("Zz Bulk 1500").click();
    const session = page.getByTestId("reference-session");
    await expect.poll(() => session.count()).toBe(1);
    expect(await session.innerText()).toMatch(/3,000 messages/);
    await session.click();
    const messages = page.getByTestId("session-viewer").getByTestId("session-message");
    await expect.poll(() => messages.count()).toBeGreaterThan(3);
    expect(await messages.count()).toBeLessThan(60);
    expect(await messages.first().innerText()).toContain("Turn 1 of");
    expect(await page.getByTestId("session-meta").innerText()).toMatch(/3,000 messages/);

    // The end of the transcript is reachable: scrolled there, its last message is rendered.
    await page.evaluate(SCROLL_SESSION_TO_BOTTOM);
    const last = messages.filter({ hasText: `Message ${LONG_SESSION} from User.` });
    await expect.poll(() => last.count()).toBe(1);
    expect(await messages.count()).toBeLessThan(60);
    expect(await messages.filter({ hasText: "Turn 1 " }).count()).toBe(0);
    await page.keyboard.press("Escape");
    await page.getByTestId("library-search").fill("");
  });
});

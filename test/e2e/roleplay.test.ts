import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession, RESULTS_DIR } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

const RESULTS = RESULTS_DIR;
const GREETING = "*waves* Hello! I am Mira. Shall we go to the park?";
const ALTERNATE = "*yawns* Oh, you are early. Do you want some tea?";
const LONG = { timeout: 90_000 };
/** UI updates and CLI reads (a process start each) on a busy machine: more than `expect.poll`'s 1 s. */
const SOON = { timeout: 15_000 };

if (!HAS_CHROMIUM || !HAS_TEST_MODEL) {
  console.warn("\n!!! roleplay.test.ts is SKIPPED: it needs Chromium and the test model (see above).\n");
}

describe.skipIf(!HAS_CHROMIUM || !HAS_TEST_MODEL)("role-play tools in the browser", () => {
  let session: AppSession;
  let page: Page;
  let temp: { dir: string };

  beforeAll(async () => {
    session = await openAppSession({
      prefix: "masque-e2e-rp-",
      settings: {
        modelPath: TEST_MODEL_PATH,
        threads: "1",
        maxTokens: "24",
        contextSize: "2048",
      },
      viewport: { width: 1280, height: 900 },
    });
    ({ page } = session);
    temp = { dir: session.dataDir };
  });

  afterAll(async () => {
    await session?.close();
  });

  const messages = () => page.getByTestId("message");
  const message = (index: number) => messages().nth(index);
  const lastMessage = () => messages().last();
  const textOf = (index: number) => message(index).getByTestId("message-text").innerText();
  const counter = (index: number) => message(index).getByTestId("swipe-counter").innerText();
  const input = () => page.getByTestId("message-input");

  /** A setting as the core stored it, read with the CLI. */
  async function stored(key: string): Promise<string> {
    return (await runMasque(["--data-dir", temp.dir, "settings", "get", key])).stdout.trim();
  }

  /** One attribute of every element a locator matches, in order. */
  async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
    const values: (string | null)[] = [];
    for (const element of await locator.all()) values.push(await element.getAttribute(name));
    return values;
  }

  /** The message tools appear on hover (or focus), as a user would reach them. */
  async function tool(index: number, testId: string): Promise<void> {
    await message(index).hover();
    await message(index).getByTestId(testId).click();
  }

  /** Nothing generates any more: Send is back in place of Stop. */
  async function idle(): Promise<void> {
    await page.getByTestId("send-button").waitFor({ state: "visible", ...LONG });
  }

  /**
   * Runs `action` until `read` differs from `before` (the tiny model sometimes ends at once and
   * changes nothing), then waits for the generation to end.
   */
  async function untilChanged(
    action: () => Promise<void>,
    read: () => Promise<string>,
    before: string,
  ): Promise<string> {
    for (let attempt = 0; attempt < 4; attempt++) {
      await action();
      try {
        await expect.poll(read, { timeout: 20_000 }).not.toBe(before);
        await idle();
        return await read();
      } catch {
        await idle();
      }
    }
    return read();
  }

  async function send(text: string): Promise<void> {
    const before = await messages().count();
    await input().fill(text);
    await input().press("Enter");
    await expect.poll(() => messages().count(), SOON).toBe(before + 2);
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("complete");
    await idle();
  }

  it("creates a character whose alternate greeting is a swipe of the first message", async () => {
    await page.getByTestId("new-character").click();
    await page.getByTestId("character-name-input").fill("Mira");
    await page.getByTestId("character-description-input").fill("Mira is a kind girl who likes the park.");
    await page.getByTestId("character-greeting-input").fill(GREETING);
    await page.getByTestId("character-create-submit").click();
    await page.getByTestId("character-page").waitFor();

    await page.getByTestId("edit-character").click();
    await page.getByTestId("character-editor").waitFor();
    await page.getByTestId("editor-add-greeting").click();
    await page.getByTestId("editor-greeting").last().fill(ALTERNATE);
    await page.getByTestId("editor-save").click();
    await page.getByTestId("character-editor").waitFor({ state: "detached" });

    await page.getByTestId("start-chat").click();
    await expect.poll(() => messages().count(), SOON).toBe(1);
    expect(await counter(0)).toBe("1/2");
    expect(await textOf(0)).toContain("Shall we go to the park?");

    await tool(0, "swipe-next");
    await expect.poll(() => counter(0), SOON).toBe("2/2");
    expect(await textOf(0)).toContain("Do you want some tea?");
    expect(await message(0).getByTestId("swipe-next").isDisabled()).toBe(true);

    // ← and → swipe the last message while the box is empty.
    await input().focus();
    await input().press("ArrowLeft");
    await expect.poll(() => counter(0), SOON).toBe("1/2");
    await input().press("ArrowRight");
    await expect.poll(() => counter(0), SOON).toBe("2/2");
    await tool(0, "swipe-prev");
    await expect.poll(() => counter(0), SOON).toBe("1/2");
    expect(await textOf(0)).toContain("Shall we go to the park?");
  });

  it("sends three messages, so that there is a middle reply", async () => {
    await send("Hello Mira!");
    await send("Tell me about the park.");
    await send("What happens next?");
    expect(await messages().count()).toBe(7);
    const roles = await attributes(messages(), "data-role");
    expect(roles).toEqual(["character", "user", "character", "user", "character", "user", "character"]);
  });

  it("regenerates the middle reply as a new swipe, and swipes back to the old branch", async () => {
    const later = [await textOf(5), await textOf(6)];
    const middleId = await message(4).getAttribute("data-message-id");

    await tool(4, "action-regenerate");
    // The new swipe replaces the middle reply; what followed it belongs to the other branch.
    await expect.poll(() => messages().count(), LONG).toBe(5);
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("complete");
    await idle();
    await expect.poll(() => counter(4), SOON).toBe("2/2");
    expect(await message(4).getAttribute("data-message-id")).not.toBe(middleId);
    await page.screenshot({ path: join(RESULTS, "roleplay-swipes.png") });

    await tool(4, "swipe-prev");
    await expect.poll(() => messages().count(), SOON).toBe(7);
    expect(await counter(4)).toBe("1/2");
    expect(await message(4).getAttribute("data-message-id")).toBe(middleId);
    expect([await textOf(5), await textOf(6)]).toEqual(later);
  });

  it("edits a user message and a reply inline; the edits survive a reload", async () => {
    await tool(1, "action-edit");
    await page.getByTestId("edit-textarea").fill("Hello again, Mira!");
    await page.getByTestId("edit-textarea").press("Control+Enter");
    await expect.poll(() => textOf(1), SOON).toBe("Hello again, Mira!");
    await message(1).getByTestId("message-edited").waitFor();

    await tool(2, "action-edit");
    await page.getByTestId("edit-textarea").fill("*smiles* An edited reply.");
    await page.getByTestId("edit-save").click();
    await expect.poll(() => textOf(2), SOON).toBe("smiles An edited reply.");
    await message(2).getByTestId("message-edited").waitFor();

    // Escape cancels and keeps the text.
    const before = await textOf(3);
    await tool(3, "action-edit");
    await page.getByTestId("edit-textarea").fill("this is thrown away");
    await page.getByTestId("edit-textarea").press("Escape");
    await expect.poll(() => page.getByTestId("edit-textarea").count(), SOON).toBe(0);
    expect(await textOf(3)).toBe(before);
    expect(await message(3).getByTestId("message-edited").count()).toBe(0);

    await page.reload();
    await page.getByTestId("character-item").filter({ hasText: "Mira" }).click();
    if ((await messages().count()) === 0) await page.getByTestId("chat-item").first().click();
    await expect.poll(() => messages().count(), SOON).toBe(7);
    expect(await textOf(1)).toBe("Hello again, Mira!");
    expect(await textOf(2)).toBe("smiles An edited reply.");
    expect(await message(1).getByTestId("message-edited").count()).toBe(1);
    expect(await message(2).getByTestId("message-edited").count()).toBe(1);
  });

  it("deletes one message alone, then one with everything after it", async () => {
    const ids = await attributes(messages(), "data-message-id");

    // Alone: the reply after it moves up, nothing else is lost.
    await tool(5, "action-delete");
    const dialog = page.getByTestId("delete-dialog-message");
    await dialog.waitFor();
    expect(await dialog.getByTestId("delete-with-descendants").count()).toBe(1);
    await dialog.getByTestId("delete-only-this").click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => messages().count(), SOON).toBe(6);
    const after = await attributes(messages(), "data-message-id");
    expect(after).toEqual([...ids.slice(0, 5), ids[6]]);

    // With descendants: the confirmed, destructive choice.
    await tool(3, "action-delete");
    await dialog.waitFor();
    await dialog.getByTestId("delete-with-descendants").click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => messages().count(), SOON).toBe(3);
    expect(await lastMessage().getAttribute("data-message-id")).toBe(ids[2]);

    // The last message has nothing after it: one plain Delete, and Cancel keeps it.
    await tool(2, "action-delete");
    await dialog.waitFor();
    expect(await dialog.getByTestId("delete-with-descendants").count()).toBe(0);
    await dialog.getByTestId("delete-cancel").click();
    await dialog.waitFor({ state: "detached" });
    expect(await messages().count()).toBe(3);
  });

  it("continues the last reply in the same bubble", async () => {
    const id = await lastMessage().getAttribute("data-message-id");
    const before = await textOf(2);
    const after = await untilChanged(
      () => tool(2, "action-continue"),
      () => textOf(2),
      before,
    );
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.startsWith(before.slice(0, 10))).toBe(true);
    expect(await messages().count()).toBe(3);
    expect(await lastMessage().getAttribute("data-message-id")).toBe(id);
  });

  it("shows how a reply was generated on demand", async () => {
    expect(await page.getByTestId("provenance-dialog").count()).toBe(0);
    await tool(2, "action-info");
    const dialog = page.getByTestId("provenance-dialog");
    await dialog.waitFor();
    expect(await dialog.getByTestId("provenance-model").innerText()).toContain("stories260K");
    expect(await dialog.getByTestId("provenance-sampler").innerText()).toContain("temperature");
    await page.getByTestId("provenance-close").click();
    await dialog.waitFor({ state: "detached" });
  });

  it("regenerates the last reply with Ctrl+R", async () => {
    await input().focus();
    await input().press("Control+r");
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("complete");
    await expect.poll(() => counter(2), LONG).toBe("2/2");
    await idle();
    expect(await messages().count()).toBe(3);
  });

  it("impersonates: the draft lands in the message box and is not sent", async () => {
    const count = await messages().count();
    const draft = await untilChanged(
      () => page.getByTestId("impersonate-button").click(),
      () => input().inputValue(),
      "",
    );
    expect(draft.trim().length).toBeGreaterThan(0);
    expect(await messages().count()).toBe(count);
    // It stays there for the user to edit: nothing was sent meanwhile.
    await page.waitForTimeout(500);
    expect(await messages().count()).toBe(count);
    expect(await input().inputValue()).toBe(draft);
    await input().fill("");
  });

  it("stops a slow reply and keeps what was written", async () => {
    await page.getByTestId("open-settings").click();
    await page.getByTestId("settings-panel").waitFor();
    await page.getByTestId("settings-threads").fill("2");
    await page.getByTestId("settings-maxTokens").fill("400");
    await page.getByTestId("settings-user-persona").fill("Sam is a curious child who loves stories.");
    await page.getByTestId("settings-save").click();
    await expect.poll(() => stored("maxTokens"), SOON).toBe("400");
    await page.getByTestId("close-settings").click();

    const count = await messages().count();
    await input().fill("Tell me a very long story about the park.");
    await page.getByTestId("send-button").click();
    await page.getByTestId("stop-button").waitFor({ state: "visible" });
    // Stop shows as soon as the call starts: wait for the new reply's first words.
    const streaming = page.locator(
      '[data-testid="message"][data-status="streaming"] [data-testid="message-text"]',
    );
    await expect
      .poll(
        async () => ((await streaming.count()) > 0 ? (await streaming.innerText()).trim().length : 0),
        LONG,
      )
      .toBeGreaterThan(0);
    await page.getByTestId("stop-button").click();
    await expect.poll(() => lastMessage().getAttribute("data-status"), LONG).toBe("stopped");
    await idle();
    expect(await messages().count()).toBe(count + 2);
    expect((await lastMessage().getByTestId("message-text").innerText()).trim().length).toBeGreaterThan(0);
  });

  it("inspects the prompt: blocks by kind with tokens, what was dropped, and the cache", async () => {
    await page.getByTestId("prompt-inspector-open").click();
    const inspector = page.getByTestId("prompt-inspector");
    await inspector.waitFor();
    const blocks = inspector.getByTestId("prompt-block");
    await expect.poll(() => blocks.count(), LONG).toBeGreaterThan(3);
    const kinds = await attributes(blocks, "data-kind");
    expect(kinds).toContain("persona");
    expect(kinds).toContain("user-persona");
    expect(kinds).toContain("message");
    for (const tokens of await inspector.getByTestId("prompt-block-tokens").allInnerTexts()) {
      expect(tokens).toMatch(/^\d[\d,.\s]* tokens$/);
    }
    expect(await inspector.getByTestId("prompt-cache").innerText()).toMatch(
      /Last reply: \d[\d,.]* tokens reused from cache, \d[\d,.]* evaluated/,
    );
    expect(await inspector.getByTestId("prompt-dropped").innerText()).toMatch(/dropped \(\d+\)/i);
    const persona = inspector.locator('[data-testid="prompt-block"][data-kind="persona"]');
    await persona.locator("summary").click();
    expect(await persona.locator("pre").innerText()).toContain("Mira");
    await page.screenshot({ path: join(RESULTS, "prompt-inspector.png") });
    await page.getByTestId("prompt-inspector-close").click();
    await inspector.waitFor({ state: "detached" });
  });

  it("chooses a template and the examples mode for this chat only", async () => {
    await page.getByTestId("chat-options").click();
    await page.getByTestId("chat-options-panel").waitFor();
    const template = page.getByTestId("template-select");
    await expect.poll(() => template.locator("option").count(), SOON).toBeGreaterThan(3);
    expect(await template.inputValue()).toBe("");
    await template.selectOption("chatml");
    await page.getByTestId("examples-mode-select").selectOption("strip");
    await expect.poll(() => template.inputValue(), SOON).toBe("chatml");
    await page.keyboard.press("Escape");

    await page.getByTestId("prompt-inspector-open").click();
    const inspector = page.getByTestId("prompt-inspector");
    await expect.poll(() => inspector.getByTestId("prompt-summary").innerText(), LONG).toMatch(/chatml/i);
    await page.getByTestId("prompt-inspector-close").click();

    await page.getByTestId("chat-options").click();
    await template.selectOption("");
    await expect.poll(() => template.inputValue(), SOON).toBe("");
    expect(await page.getByTestId("examples-mode-select").inputValue()).toBe("strip");
    await page.keyboard.press("Escape");
  });

  it("branches from a message into a new chat holding the path up to it", async () => {
    const chatsBefore = await page.getByTestId("chat-item").count();
    const firstTexts = [await textOf(0), await textOf(1)];
    await tool(1, "action-branch");
    await expect.poll(() => page.getByTestId("chat-item").count(), SOON).toBe(chatsBefore + 1);
    await expect.poll(() => messages().count(), SOON).toBe(2);
    expect([await textOf(0), await textOf(1)]).toEqual(firstTexts);
    expect(await page.locator(".chat-header-sub").innerText()).toContain("(branch)");
    expect(await page.locator('[data-testid="chat-item"][aria-current="true"]').innerText()).toContain(
      "(branch)",
    );
  });

  it("edits sampling values, saves and applies a preset, and measures threads", async () => {
    await page.getByTestId("open-settings").click();
    const panel = page.getByTestId("settings-panel");
    await panel.waitFor();
    const temperature = page.getByTestId("settings-temperature");
    await temperature.fill("0.5");
    await page.getByTestId("settings-dryMultiplier").fill("0.8");
    await page.getByTestId("preset-save").click();
    await page.getByTestId("preset-name-input").fill("Calm");
    await page.getByTestId("preset-save-confirm").click();
    await expect.poll(() => page.getByTestId("preset-select").inputValue(), SOON).toBe("Calm");

    await temperature.fill("1.2");
    await page.getByTestId("settings-save").click();
    await expect.poll(() => stored("temperature"), SOON).toBe("1.2");

    await page.getByTestId("preset-apply").click();
    await expect.poll(() => temperature.inputValue(), SOON).toBe("0.5");
    expect(await page.getByTestId("settings-dryMultiplier").inputValue()).toBe("0.8");
    await expect.poll(() => stored("temperature"), SOON).toBe("0.5");

    await page.getByTestId("calibrate-button").click();
    const results = page.getByTestId("calibration-results");
    await results.waitFor(LONG);
    expect(await results.locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await results.innerText()).toMatch(/Fastest: \d+ threads?/);

    await page.getByTestId("preset-delete").click();
    await expect.poll(() => page.getByTestId("preset-select").locator("option").count(), SOON).toBe(1);
    await page.getByTestId("close-settings").click();
    await panel.waitFor({ state: "detached" });
  });
});

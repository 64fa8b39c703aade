/**
 * LoRA adapters in the browser, with the real model and an adapter written at test time: add it to
 * the library from the chat options, attach it to the chat at scale 0.5, see "+ 1 adapter" on the
 * model pill, send a turn, and find the adapter (file, scale, SHA-256) in the reply's provenance;
 * then, in the workbench, sweep its scales 0 / 0.5 / 1 on a text and see the three runs compared.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { runMasque } from "../helpers/cli";
import { writeLoraAdapter } from "../helpers/loraAdapter";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

const LONG = { timeout: 90_000 };
const SOON = { timeout: 15_000 };

if (!HAS_CHROMIUM || !HAS_TEST_MODEL) {
  console.warn("\n!!! lora.test.ts is SKIPPED: it needs Chromium and the test model.\n");
}

describe.skipIf(!HAS_CHROMIUM || !HAS_TEST_MODEL)("LoRA adapters in the browser", () => {
  let session: AppSession;
  let page: Page;
  let adapter: string;

  beforeAll(async () => {
    session = await openAppSession({
      prefix: "masque-e2e-lora-",
      settings: { modelPath: TEST_MODEL_PATH, threads: "1", maxTokens: "16", contextSize: "1024" },
      viewport: { width: 1280, height: 900 },
    });
    ({ page } = session);
    adapter = await writeLoraAdapter(TEST_MODEL_PATH, session.dataDir, {
      seed: 3,
      fileName: "lily-lora.gguf",
    });
  });

  afterAll(async () => {
    await session?.close();
  });

  it("attaches an adapter to a chat at scale 0.5 and shows it in the reply's provenance", async () => {
    await page.getByTestId("new-character").click();
    await page.getByTestId("character-name-input").fill("Lily");
    await page.getByTestId("character-greeting-input").fill("Hi! I am Lily. Do you like the park?");
    await page.getByTestId("character-create-submit").click();
    await page.getByTestId("character-page").waitFor();
    await page.getByTestId("start-chat").click();
    await page.getByTestId("message").first().waitFor(SOON);

    await page.getByTestId("chat-options").click();
    const panel = page.getByTestId("chat-options-panel");
    await panel.getByTestId("chat-lora-default").click();
    const adapters = panel.getByTestId("chat-adapters");
    await adapters.waitFor(SOON);

    // A file that is not an adapter is refused with the core's reason.
    await adapters.getByTestId("chat-adapters-path").fill(TEST_MODEL_PATH);
    await adapters.getByTestId("chat-adapters-add").click();
    await expect.poll(() => adapters.innerText(), SOON).toContain("not a LoRA adapter");

    await adapters.getByTestId("chat-adapters-path").fill(adapter);
    await adapters.getByTestId("chat-adapters-add").click();
    const row = adapters.getByTestId("adapter-lily-lora.gguf");
    await row.waitFor(SOON);
    await expect.poll(() => row.getByTestId("adapter-attached").isChecked(), SOON).toBe(true);
    await row.getByTestId("adapter-scale").fill("0.5");
    // The stored set comes back from the core before the turn is sent.
    await expect.poll(() => row.getAttribute("data-attached-scale"), SOON).toBe("0.5");
    await page.getByTestId("chat-options").click();

    const input = page.getByTestId("message-input");
    await input.fill("Let us go to the park.");
    await input.press("Enter");
    const reply = page.getByTestId("message").nth(2);
    await reply.waitFor(SOON);
    await expect.poll(() => reply.getAttribute("data-status"), LONG).toBe("complete");
    await page.getByTestId("send-button").waitFor({ state: "visible", ...LONG });
    await expect.poll(() => page.getByTestId("model-status-pill").innerText(), SOON).toMatch(/\+ 1 adapter$/);

    await reply.hover();
    await reply.getByTestId("action-info").click();
    const dialog = page.getByTestId("provenance-dialog");
    await dialog.waitFor(SOON);
    const sha256 = createHash("sha256").update(readFileSync(adapter)).digest("hex");
    expect(await dialog.getByTestId("provenance-lora").allInnerTexts()).toEqual([
      expect.stringContaining(`lily-lora.gguf at scale 0.5 (sha256 ${sha256})`),
    ]);
  }, 180_000);

  it("the workbench sweeps the adapter's scales 0 / 0.5 / 1 on a text and compares the runs", async () => {
    await page.getByTestId("provenance-close").click();
    const file = join(session.dataDir, "story.txt");
    writeFileSync(
      file,
      "Once upon a time, there was a little dog named Max. Max liked to run in the sun. ".repeat(4),
    );
    await page.getByTestId("open-workbench").click();
    await page.getByTestId("eval-source-text").check();
    await page.getByTestId("eval-text-file").fill(file);
    const panel = page.getByTestId("eval-adapters");
    const row = panel.getByTestId("adapter-lily-lora.gguf");
    await row.waitFor(SOON);
    expect(await page.getByTestId("eval-lora-sweep").isDisabled()).toBe(true);
    await row.getByTestId("adapter-attached").check();
    await page.getByTestId("eval-lora-sweep").check();
    expect(await page.getByTestId("eval-run").innerText()).toBe("Evaluate three scales");
    await page.getByTestId("eval-run").click();

    const comparison = page.getByTestId("eval-comparison");
    await comparison.waitFor({ timeout: 120_000 });
    const text = await comparison.innerText();
    expect(text).toContain("stories260K.gguf + lily-lora.gguf×0)");
    expect(text).toContain("stories260K.gguf + lily-lora.gguf×0.5)");
    expect(text).toContain("stories260K.gguf + lily-lora.gguf×1)");
    const labels = await page.getByTestId("eval-runs").locator("tbody tr").allInnerTexts();
    expect(labels.filter((l) => l.includes("lily-lora.gguf×") && l.includes("done"))).toHaveLength(3);
  }, 180_000);

  it("sets the global adapter set in the settings", async () => {
    await page.getByTestId("workbench-close").click();
    await page.getByTestId("open-settings").click();
    const global = page.getByTestId("settings-adapters");
    const row = global.getByTestId("adapter-lily-lora.gguf");
    await row.waitFor(SOON);
    expect(await row.getByTestId("adapter-attached").isChecked()).toBe(false);
    await row.getByTestId("adapter-scale").fill("0.25");
    await row.getByTestId("adapter-attached").click();
    await expect.poll(() => row.getAttribute("data-attached-scale"), SOON).toBe("0.25");
    const stored = await runMasque([
      "--data-dir",
      session.dataDir,
      "settings",
      "get",
      "loraAdapters",
      "--json",
    ]);
    expect(JSON.parse(stored.stdout)).toEqual([{ adapterId: 1, scale: 0.25 }]);
  }, 60_000);
});

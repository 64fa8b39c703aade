/**
 * The model library in the real UI (Chromium against `masque web`): the recommended list with fit
 * badges, a download from a loopback hub with its progress bar, switching to the model, and a chat
 * turn with it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSession, openAppSession, RESULTS_DIR } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { HAS_TEST_MODEL } from "../helpers/model";
import { LARGE_URI, type ModelHub, PADDING_BYTES, startModelHub } from "../helpers/modelHub";
import { makeTempDir } from "../helpers/tempDir";

const TEST_ENTRY = "stories-padded-test";

describe.skipIf(!HAS_CHROMIUM || !HAS_TEST_MODEL)("model library in the browser", () => {
  const files = makeTempDir("masque-e2e-hub-");
  let hub: ModelHub;
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    hub = await startModelHub(files.dir);
    // Slow enough to watch the progress bar move; the file is about 41 MiB.
    hub.hub.setThrottle(6 * 1024 * 1024);
    const catalog = join(files.dir, "catalog.json");
    writeFileSync(
      catalog,
      JSON.stringify({
        models: [
          {
            id: TEST_ENTRY,
            name: "Stories 260K, padded (test hub)",
            uri: LARGE_URI,
            quantization: "Q8_0",
            sizeBytes: PADDING_BYTES + 1_200_000,
            parameters: 292_800,
            license: "mit",
            trainedContextSize: 2048,
            template: "pygmalion",
            kvBytesPerToken: 2560,
            layers: 5,
            description: "The test model served by the loopback hub.",
          },
        ],
      }),
    );
    // The web host is a child process: it inherits these.
    process.env.MASQUE_MODELS_CATALOG = catalog;
    process.env.MASQUE_HF_ENDPOINT = hub.hub.url;
    session = await openAppSession({
      prefix: "masque-e2e-models-",
      settings: { threads: "1", maxTokens: "40", contextSize: "2048" },
    });
    page = session.page;
  });

  afterAll(async () => {
    delete process.env.MASQUE_MODELS_CATALOG;
    delete process.env.MASQUE_HF_ENDPOINT;
    await session?.close();
    await hub?.hub.close();
    files.cleanup();
  });

  it("shows the recommended models with a fit badge each", async () => {
    await page.getByTestId("open-models").click();
    await page.getByTestId("model-library").waitFor();
    await page.getByTestId("models-tab-recommended").click();
    const rows = page.getByTestId("catalog-row");
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(6);
    const badges = rows.locator('[data-testid="fit-badge"]');
    const verdicts: (string | null)[] = [];
    for (let i = 0; i < (await badges.count()); i++)
      verdicts.push(await badges.nth(i).getAttribute("data-verdict"));
    expect(verdicts).toHaveLength(await rows.count());
    for (const verdict of verdicts) expect(["fits", "tight", "doesNotFit"]).toContain(verdict);
    expect(
      await page.locator(`[data-catalog-id="${TEST_ENTRY}"] [data-testid="fit-badge"]`).innerText(),
    ).toMatch(/Fits/);
    await page.screenshot({ path: join(RESULTS_DIR, "models-catalog.png") });
  });

  it("downloads from the loopback hub with a progress bar, then lists it as verified", async () => {
    await page.locator(`[data-catalog-id="${TEST_ENTRY}"]`).getByTestId("catalog-download").click();
    const progress = page.getByTestId("download-progress");
    await progress.waitFor();
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const value = await progress.getAttribute("value").catch(() => null);
          if (value !== null) seen.push(Number(value));
          return seen.some((v) => v > 0 && v < 100);
        },
        { interval: 100, timeout: 30_000 },
      )
      .toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, "models-downloading.png") });
    await expect.poll(() => page.getByTestId("download-row").count(), { timeout: 60_000 }).toBe(0);
    await page.getByTestId("models-tab-installed").click();
    const row = page.getByTestId("model-row");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain("verified");
    expect(await row.getByTestId("fit-badge").getAttribute("data-verdict")).toBe("fits");
  });

  it("switches to the downloaded model in one click and chats one turn with it", async () => {
    await page.getByTestId("model-use").click();
    await expect
      .poll(() => page.getByTestId("model-status-pill").getAttribute("class"), { timeout: 60_000 })
      .toContain("status-loaded");
    await expect.poll(() => page.getByTestId("model-row").innerText()).toContain("active");
    await page.getByTestId("close-model-library").click();

    await page.getByTestId("new-character").click();
    await page.getByTestId("character-name-input").fill("Lily");
    await page.getByTestId("character-greeting-input").fill("Hi! I am Lily. Do you want to play?");
    await page.getByTestId("character-create-submit").click();
    await page.getByTestId("character-item").filter({ hasText: "Lily" }).click();
    const messages = page.getByTestId("message");
    if ((await messages.count()) === 0) await page.getByTestId("new-chat").click();
    await expect.poll(() => messages.count()).toBe(1);
    await page.getByTestId("message-input").fill("Once upon a time");
    await page.getByTestId("send-button").click();
    await expect.poll(() => messages.count()).toBe(3);
    await expect
      .poll(() => messages.last().getAttribute("data-status"), { timeout: 90_000 })
      .toBe("complete");
    expect((await messages.last().getByTestId("message-text").innerText()).trim().length).toBeGreaterThan(0);

    // The header's switcher lists the model and opens the library.
    await page.getByTestId("model-status-pill").click();
    expect(await page.getByTestId("model-switch").count()).toBe(1);
    await page.getByTestId("open-model-library").click();
    await page.getByTestId("model-library").waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, "models-library.png") });
    await page.getByTestId("close-model-library").click();
  });
});

/**
 * The model workbench in headless Chromium against `masque web`, with the real model and our
 * PIPPA sessions: a perplexity run shows its progress and draws its chart (an ECharts canvas with
 * pixels on it), an A/B run between the model and a noised copy is voted through with the keys
 * 1–4 and reveals its report, and the statistics tab draws its box plot.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storySessionsJsonl } from "../fixtures/eval/storySessions";
import { type AppSession, openAppSession, RESULTS_DIR } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { runMasque } from "../helpers/cli";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { writeNoisyCopy } from "../helpers/noisyModel";
import { makeTempDir } from "../helpers/tempDir";

/** Records whether the progress bar appeared and what it said, however short the run. */
const RECORD_PROGRESS = `(() => {
  window.progressTexts = [];
  new MutationObserver(() => {
    const bar = document.querySelector('[data-testid="eval-progress"]');
    const text = bar?.textContent ?? "";
    if (text && window.progressTexts.at(-1) !== text) window.progressTexts.push(text);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

/** Counts the canvas pixels that are not fully transparent inside a chart (-1: no canvas). */
async function paintedPixels(page: Page, testId: string): Promise<number> {
  return (await page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="${testId}"] canvas');
    if (!canvas) return -1;
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  })()`)) as number;
}

describe.skipIf(!HAS_CHROMIUM || !HAS_TEST_MODEL)("the model workbench in the browser", () => {
  let temp: ReturnType<typeof makeTempDir>;
  let session: AppSession;
  let page: Page;
  let noisyPath: string;

  beforeAll(async () => {
    temp = makeTempDir("masque-e2e-workbench-");
    noisyPath = await writeNoisyCopy(TEST_MODEL_PATH, temp.dir, { scale: 0.5, seed: 17 });
    const dataDir = join(temp.dir, "data");
    const file = join(temp.dir, "stories.jsonl");
    writeFileSync(file, storySessionsJsonl());
    const imported = await runMasque(["--data-dir", dataDir, "import", file]);
    if (imported.code !== 0) throw new Error(imported.stderr);
    session = await openAppSession({
      dataDir,
      settings: { modelPath: TEST_MODEL_PATH, threads: "1", contextSize: "512" },
    });
    page = session.page;
    await page.evaluate(RECORD_PROGRESS);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    temp?.cleanup();
  });

  it("runs a perplexity evaluation with progress and draws its chart", async () => {
    await page.getByTestId("open-workbench").click();
    await page.getByTestId("workbench").waitFor();
    await page.getByTestId("eval-characters").getByText("Lily", { exact: true }).click();
    await page.getByTestId("eval-characters").getByText("Tom", { exact: true }).click();
    await page.getByTestId("eval-run").click();
    await page.getByTestId("eval-chart").waitFor({ timeout: 120_000 });
    const texts = (await page.evaluate("window.progressTexts")) as string[];
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.join("\n")).toMatch(/Run 1: (Starting|Loading the model|Scoring)/);
    expect(await page.getByTestId("eval-figures").textContent()).toMatch(/Perplexity \d+\.\d{3}/);
    await expect.poll(() => paintedPixels(page, "eval-chart"), { timeout: 10_000 }).toBeGreaterThan(500);
    // Every session behind the figures is listed and opens in the viewer.
    expect(await page.getByTestId("eval-sessions").locator("tbody tr").count()).toBe(8);
    await page.getByTestId("eval-source-link").first().click();
    await page.getByTestId("session-viewer").waitFor();
    // The viewer is virtualized: rows appear once the list is measured.
    await expect.poll(() => page.getByTestId("session-message").count()).toBe(5);
    await page.keyboard.press("Escape");
    await page.screenshot({ path: join(RESULTS_DIR, "workbench-perplexity.png") });
  }, 180_000);

  it("scores a text file given by its path", async () => {
    const file = join(temp.dir, "story.txt");
    writeFileSync(
      file,
      "Once upon a time, there was a little dog named Max. Max liked to run in the sun. ".repeat(6),
    );
    await page.getByTestId("eval-source-text").check();
    await page.getByTestId("eval-text-file").fill(file);
    await page.getByTestId("eval-run").click();
    await expect
      .poll(async () => (await page.getByTestId("eval-figures").textContent()) ?? "", { timeout: 120_000 })
      .toContain("template plain-text");
    expect(await page.getByTestId("eval-sessions").locator("tbody tr").count()).toBe(1);
  }, 180_000);

  it("votes through a blind A/B run with the keyboard and shows the report", async () => {
    await page.getByTestId("workbench-tab-ab").click();
    await page.getByTestId("ab-model-1").fill(noisyPath);
    await page.getByTestId("eval-characters").getByText("Lily", { exact: true }).click();
    await page.getByTestId("ab-items").fill("3");
    await page.getByTestId("ab-start").click();
    const voting = page.getByTestId("ab-voting");
    const seen: string[] = [];
    for (const key of ["1", "2", "3"]) {
      await voting.waitFor({ timeout: 120_000 });
      const item = (await voting.getAttribute("data-item")) as string;
      expect(seen).not.toContain(item);
      seen.push(item);
      const shown = await voting.textContent();
      expect(shown).not.toContain("stories260K");
      expect(shown).not.toContain("noisy");
      await page.keyboard.press(key);
      await expect
        .poll(async () => (await voting.count()) === 0 || (await voting.getAttribute("data-item")) !== item)
        .toBe(true);
    }
    const report = page.getByTestId("ab-report");
    await report.waitFor();
    const rows = report.getByTestId("ab-report-row");
    expect(await rows.count()).toBe(2);
    const text = (await report.textContent()) ?? "";
    expect(text).toContain("stories260K.gguf");
    expect(text).toContain("noisy.gguf");
    // Votes A, B and tie: a win for one side is a loss for the other, and both have the tie.
    const [one, two] = await Promise.all(
      (await rows.all()).map((row) => row.locator("td").allTextContents()),
    );
    const [w1, l1, t1] = (one ?? []).slice(1, 4);
    const [w2, l2, t2] = (two ?? []).slice(1, 4);
    expect([t1, t2]).toEqual(["1 (0)", "1 (0)"]);
    expect(Number(w1) + Number(l1)).toBe(2);
    expect([w2, l2]).toEqual([l1, w1]);
    await page.screenshot({ path: join(RESULTS_DIR, "workbench-ab.png") });
  }, 240_000);

  it("draws the reply statistics of the A/B run beside the PIPPA bot turns", async () => {
    await page.getByTestId("workbench-tab-stats").click();
    await page.getByTestId("stats-run").selectOption({ index: 1 });
    await page.getByTestId("stats-show").click();
    await page.getByTestId("stats-boxplot").waitFor();
    await expect.poll(() => paintedPixels(page, "stats-boxplot"), { timeout: 10_000 }).toBeGreaterThan(500);
    await expect.poll(() => paintedPixels(page, "stats-histogram"), { timeout: 10_000 }).toBeGreaterThan(500);
    expect(await page.getByTestId("stats-report").textContent()).toContain("PIPPA bot turns");
  }, 60_000);
});

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./browser";
import { runMasque } from "./cli";
import { PROJECT_ROOT } from "./model";
import { makeTempDir } from "./tempDir";
import { startWebProcess, type WebProcess } from "./webProcess";

export const RESULTS_DIR = join(PROJECT_ROOT, "test-results");

export interface AppSession {
  dataDir: string;
  web: WebProcess;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * Browser mode as a user meets it: settings written with the CLI into a fresh data dir, then
 * `masque web` started on it and its URL (with the token) opened in headless Chromium.
 */
export async function openAppSession(options: {
  /** A fresh temp data dir is made with this prefix, unless `dataDir` (prepared by the test) is given. */
  prefix?: string;
  dataDir?: string;
  settings?: Record<string, string>;
  viewport?: { width: number; height: number };
}): Promise<AppSession> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const temp = options.dataDir
    ? { dir: options.dataDir, cleanup: () => {} }
    : makeTempDir(options.prefix ?? "masque-e2e-");
  const dataDir = ["--data-dir", temp.dir];
  for (const [key, value] of Object.entries(options.settings ?? {})) {
    const set = await runMasque([...dataDir, "settings", "set", key, value]);
    if (set.code !== 0) throw new Error(`settings set ${key}: ${set.stderr}`);
  }
  const web = await startWebProcess(dataDir);
  const browser = await launchChromium();
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(web.url);
  return {
    dataDir: temp.dir,
    web,
    browser,
    page,
    async close() {
      await browser.close();
      await web.stop();
      temp.cleanup();
    },
  };
}

/**
 * `npm run bench:longchat`: how the chat and the session viewer hold up with long histories, in
 * headless Chromium against `masque web` on a freshly seeded data dir (scripts/seedLongChat.ts).
 *
 * Measured over several repetitions in one run, each long figure against its short baseline:
 * - open: click on the chat → its last message rendered (next frame);
 * - DOM: element count of the page once the chat is open;
 * - typing: keydown in the message box → the next frame (median of ~50 keys), empty vs long chat;
 * - the same open and DOM figures for the session viewer, short vs long session.
 *
 * Options: --runs N (default 5), --keys N (default 50), --long N (default 10,000 messages),
 * --session N (default 3,000 messages).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchChromium } from "../test/helpers/browser";
import { startWebProcess } from "../test/helpers/webProcess";
import { type LongChatSeed, seedLongChat } from "./seedLongChat";

const { values } = parseArgs({
  options: {
    runs: { type: "string" },
    keys: { type: "string" },
    long: { type: "string" },
    session: { type: "string" },
  },
});
const RUNS = Number(values.runs ?? 5);
const KEYS = Number(values.keys ?? 50);
const LONG = Number(values.long ?? 10_000);
const SESSION = Number(values.session ?? 3_000);

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/**
 * Helpers run in the page (a string: the page has no access to this module's code, and tsx's
 * helpers would not exist there).
 */
const PAGE_HELPERS = `window.bench = {
  /** Clicks the element, resolves once \`selector\` exists and a frame was drawn with it (ms). */
  async timeClickUntil(click, clickText, selector) {
    const target = [...document.querySelectorAll(click)].find((e) => e.textContent.includes(clickText));
    if (!target) throw new Error("nothing to click: " + click + " " + clickText);
    const started = performance.now();
    target.click();
    await new Promise((resolve, reject) => {
      const give = setTimeout(() => reject(new Error(selector + " never appeared")), 60000);
      const check = () => {
        if (document.querySelector(selector)) {
          clearTimeout(give);
          requestAnimationFrame(() => resolve());
        } else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - started;
  },
  /** Elements in the page after two frames. */
  domCount() {
    return new Promise((resolve) =>
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(document.getElementsByTagName("*").length))),
    );
  },
  /** Records keydown → the task after the next animation frame (the frame that shows the key). */
  startTyping() {
    const samples = [];
    const listener = (event) => {
      const started = event.timeStamp;
      requestAnimationFrame(() => setTimeout(() => samples.push(performance.now() - started), 0));
    };
    document.addEventListener("keydown", listener, { capture: true });
    this.typing = { samples, listener };
  },
  stopTyping() {
    document.removeEventListener("keydown", this.typing.listener, { capture: true });
    return this.typing.samples;
  },
};`;

const call = <T>(page: Page, name: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(`window.bench.${name}(${args.map((a) => JSON.stringify(a)).join(", ")})`) as Promise<T>;

function timeClickUntil(page: Page, click: string, clickText: string, selector: string): Promise<number> {
  return call<number>(page, "timeClickUntil", click, clickText, selector);
}

/** Elements in the page once it settled (a short pause, then two frames). */
async function domCount(page: Page): Promise<number> {
  await page.waitForTimeout(400);
  return call<number>(page, "domCount");
}

/** Median keydown → next frame, over `keys` real key presses in the message box. */
async function typingLatency(page: Page, keys: number): Promise<number> {
  const input = page.getByTestId("message-input");
  await input.fill("");
  await input.focus();
  await call(page, "startTyping");
  for (let i = 0; i < keys; i++) {
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
    await page.waitForTimeout(20);
  }
  await page.waitForTimeout(100);
  const samples = await call<number[]>(page, "stopTyping");
  await input.fill("");
  return median(samples.slice(0, keys));
}

async function openChatTimed(page: Page, title: string, lastId: number | null): Promise<number> {
  const selector =
    lastId === null
      ? '[data-testid="message-input"]'
      : `[data-testid="message"][data-message-id="${lastId}"]`;
  return timeClickUntil(page, '[data-testid="chat-item"]', title, selector);
}

async function openSessionTimed(page: Page, count: number): Promise<number> {
  const label = `${count.toLocaleString("en-US")} messages`;
  return timeClickUntil(page, '[data-testid="reference-session"]', label, '[data-testid="session-message"]');
}

async function closeSession(page: Page): Promise<void> {
  await page.keyboard.press("Escape");
  await page.getByTestId("session-viewer").waitFor({ state: "detached" });
}

interface Figures {
  openShort: number[];
  openLong: number[];
  domShort: number[];
  domLong: number[];
  typeEmpty: number[];
  typeLong: number[];
  sessionOpenShort: number[];
  sessionOpenLong: number[];
  sessionDomShort: number[];
  sessionDomLong: number[];
}

async function measure(page: Page, seed: LongChatSeed): Promise<Figures> {
  const figures: Figures = {
    openShort: [],
    openLong: [],
    domShort: [],
    domLong: [],
    typeEmpty: [],
    typeLong: [],
    sessionOpenShort: [],
    sessionOpenLong: [],
    sessionDomShort: [],
    sessionDomLong: [],
  };
  const { titles } = seed;
  const lastShort = seed.shortMessageIds.at(-1) ?? null;
  const lastLong = seed.longMessageIds.at(-1) ?? null;
  for (let run = 0; run < RUNS; run++) {
    // Each open starts from another chat, so that the list really changes.
    await openChatTimed(page, titles.empty, null);
    figures.openShort.push(await openChatTimed(page, titles.short, lastShort));
    figures.domShort.push(await domCount(page));
    await openChatTimed(page, titles.empty, null);
    figures.typeEmpty.push(await typingLatency(page, KEYS));
    figures.openLong.push(await openChatTimed(page, titles.long, lastLong));
    figures.domLong.push(await domCount(page));
    figures.typeLong.push(await typingLatency(page, KEYS));

    await page.getByTestId("view-profile").click();
    await page.getByTestId("reference-session").first().waitFor();
    // Let the character page settle, so that the first session opened does not pay for it.
    await page.waitForTimeout(400);
    figures.sessionOpenShort.push(await openSessionTimed(page, seed.sessionSizes.short));
    figures.sessionDomShort.push(await domCount(page));
    await closeSession(page);
    figures.sessionOpenLong.push(await openSessionTimed(page, seed.sessionSizes.long));
    figures.sessionDomLong.push(await domCount(page));
    await closeSession(page);
    await page.getByTestId("view-chat").click();
    console.error(`run ${run + 1}/${RUNS} done`);
  }
  return figures;
}

function table(figures: Figures): string {
  const row = (what: string, unit: string, base: number[], long: number[], target: string) => {
    const b = median(base);
    const l = median(long);
    const ratio = b > 0 ? l / b : Number.NaN;
    return `| ${what} | ${b.toFixed(unit === "nodes" ? 0 : 1)} ${unit} | ${l.toFixed(unit === "nodes" ? 0 : 1)} ${unit} | ${ratio.toFixed(2)}× | ${target} |`;
  };
  return [
    `| measure (median of ${RUNS}) | baseline | long | ratio | target |`,
    "| --- | --- | --- | --- | --- |",
    row(
      `open chat: 20 vs ${LONG.toLocaleString("en-US")} messages`,
      "ms",
      figures.openShort,
      figures.openLong,
      "≤ 3×",
    ),
    row("DOM elements after open", "nodes", figures.domShort, figures.domLong, "long < 3,000"),
    row(
      `typing (keydown → frame, median of ${KEYS}): empty vs long chat`,
      "ms",
      figures.typeEmpty,
      figures.typeLong,
      "≤ 1.5×",
    ),
    row(
      `open session: 20 vs ${SESSION.toLocaleString("en-US")} messages`,
      "ms",
      figures.sessionOpenShort,
      figures.sessionOpenLong,
      "≤ 3×",
    ),
    row(
      "DOM elements, session viewer open",
      "nodes",
      figures.sessionDomShort,
      figures.sessionDomLong,
      "long < 3,000",
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "masque-bench-longchat-"));
  try {
    const seeding = performance.now();
    const seed = seedLongChat(dataDir, { longMessages: LONG, longSessionMessages: SESSION });
    console.error(
      `seeded ${LONG.toLocaleString("en-US")} messages in ${Math.round(performance.now() - seeding)} ms`,
    );
    const web = await startWebProcess(["--data-dir", dataDir]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on("pageerror", (error) => console.error("page error:", error));
      await page.addInitScript(PAGE_HELPERS);
      await page.goto(web.url);
      await page.getByTestId("character-item").filter({ hasText: seed.characterName }).click();
      await page.getByTestId("chat-item").first().waitFor();
      console.log(table(await measure(page, seed)));
    } finally {
      await browser.close();
      await web.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

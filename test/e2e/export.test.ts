/**
 * The export dialog in headless Chromium against `masque web` (no model needed): chats with planted
 * personal data are imported as SillyTavern chat files, then the user chooses chats, adds an alias,
 * reviews the name replacements and flagged spans in context, keeps one span, exports PIPPA, reads
 * the counts and downloads the file, which is checked line by line and with `masque validate`.
 * Errors keep the choices; "all chats" leaves out a chat without any message of the user's.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPPA_KEYS } from "../../electron/services/import/pippaRecord";
import { type AppSession, openAppSession } from "../helpers/appSession";
import { HAS_CHROMIUM } from "../helpers/browser";
import { runMasque } from "../helpers/cli";
import { PROJECT_ROOT } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const RESULTS = join(PROJECT_ROOT, "test-results");
const USER = "Ada Lovelace";
const ALIAS = "Countess";
const EMAIL = "notes.engine@example.org";
const SPARE_EMAIL = "spare.gears@example.net";
const PHONE = "+44 20 7946 0958";
const URL = "https://analytical.example.com/notes";

type Turn = [speaker: "user" | "char", text: string];

/** Each chat: the character and its turns. Names planted: 4 in Mira's chat (+1 alias), 2 in Rook's. */
const CHATS: Record<string, Turn[]> = {
  Mira: [
    ["char", "*Mira looks up from her map.* Hello, traveller."],
    ["user", `Hi, I am Ada Lovelace. Write to ${EMAIL} or call ${PHONE} after six.`],
    ["char", `Lovely to meet you, Ada. Or should I say ${ALIAS}?`],
    ["user", `Lovelace is fine. My notes are at ${URL} today.`],
  ],
  Rook: [
    ["user", `Ada here. My spare address is ${SPARE_EMAIL}, write any time.`],
    ["char", "Ahoy, Ada! Welcome aboard."],
  ],
  Quiet: [["char", "*Silence.*"]],
};
const PLANTED_NAMES = 6;

function sillyTavernChat(character: string, turns: Turn[]): string {
  const header = {
    user_name: USER,
    character_name: character,
    create_date: "2024-05-01@10h00m00s",
    chat_metadata: {},
  };
  const lines = turns.map(([speaker, text], i) => ({
    name: speaker === "user" ? USER : character,
    is_user: speaker === "user",
    is_system: false,
    send_date: `May 1, 2024 10:${String(i).padStart(2, "0")}am`,
    mes: text,
  }));
  return `${[header, ...lines].map((line) => JSON.stringify(line)).join("\n")}\n`;
}

describe.skipIf(!HAS_CHROMIUM)("export dialog in the browser", () => {
  const temp = makeTempDir("masque-e2e-export-");
  const dataDir = join(temp.dir, "data");
  const chatIds: Record<string, number> = {};
  const characterIds: Record<string, number> = {};
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    const masque = (...args: string[]) => runMasque(["--data-dir", dataDir, ...args]);
    const set = await masque("settings", "set", "userName", USER);
    expect(set.code, set.stderr).toBe(0);
    for (const [character, turns] of Object.entries(CHATS)) {
      const file = join(temp.dir, `${character}.jsonl`);
      writeFileSync(file, sillyTavernChat(character, turns));
      const imported = await masque("import", file, "--json");
      expect(imported.code, imported.stderr).toBe(0);
    }
    const list = await masque("chats", "list", "--json");
    for (const chat of JSON.parse(list.stdout) as {
      id: number;
      characterId: number;
      characterName: string;
    }[]) {
      chatIds[chat.characterName] = chat.id;
      characterIds[chat.characterName] = chat.characterId;
    }
    expect(Object.keys(chatIds).sort()).toEqual(["Mira", "Quiet", "Rook"]);

    session = await openAppSession({ dataDir, viewport: { width: 1280, height: 900 } });
    ({ page } = session);
    await page.getByTestId("library-count").waitFor();
  });

  afterAll(async () => {
    await session?.close();
    temp.cleanup();
  });

  const dialog = () => page.getByTestId("export-dialog");
  const chatBox = (name: string) =>
    page.locator(`[data-testid="export-chat-checkbox"][data-chat-id="${chatIds[name]}"]`);
  const count = async (key: string) =>
    Number(
      await page.locator(`[data-testid="export-result-count"][data-key="${key}"]`).getAttribute("data-value"),
    );
  const flag = (kind: string) => page.locator(`[data-testid="export-flag"][data-kind="${kind}"]`);

  it("chooses chats, reviews every replacement and flagged span, exports PIPPA and downloads it", async () => {
    await page.getByTestId("open-export").click();
    await dialog().waitFor();
    await page.getByTestId("export-scope-chats").check();
    await chatBox("Mira").check();
    await chatBox("Rook").check();
    expect(await page.getByTestId("export-chosen-count").innerText()).toMatch(/^2 chosen/);
    expect(await page.getByTestId("export-format").inputValue()).toBe("pippa");
    expect(await page.getByTestId("export-alias-chips").innerText()).toContain(USER);
    await page.getByTestId("export-aliases").fill(ALIAS);
    await page.getByTestId("export-aliases").press("Enter");
    expect(await page.getByTestId("export-alias-chip").allInnerTexts()).toEqual([
      expect.stringContaining(ALIAS),
    ]);
    await page.screenshot({ path: join(RESULTS, "export-choose.png") });
    await page.getByTestId("export-review").click();

    const summary = page.getByTestId("export-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("data-chats")).toBe("2");
    expect(await summary.getAttribute("data-messages")).toBe("6");
    expect(await summary.getAttribute("data-skipped")).toBe("0");
    const names = await page.getByTestId("export-name").allInnerTexts();
    expect(names).toEqual(expect.arrayContaining([USER, "Ada", "Lovelace", ALIAS]));
    const replacements = page.getByTestId("export-replacement");
    expect(await replacements.count()).toBe(PLANTED_NAMES);
    const marks = await page.locator('[data-testid="export-replacement"] mark').allInnerTexts();
    expect(marks.sort()).toEqual(["Ada", "Ada", "Ada", "Ada Lovelace", ALIAS, "Lovelace"]);
    expect(await replacements.first().innerText()).toContain("{{user}}");

    const rows = await page.getByTestId("export-flag").all();
    const kinds = await Promise.all(rows.map((row) => row.getAttribute("data-kind")));
    expect(kinds.sort()).toEqual(["email", "email", "phone", "url"]);
    expect(await flag("phone").locator("mark").innerText()).toBe(PHONE);
    expect(await flag("phone").innerText()).toContain("or call");
    // Keep the phone number, redact the rest.
    await page.getByTestId("export-reject-all").click();
    expect(await page.locator('[data-testid="export-flag"][data-accepted="true"]').count()).toBe(0);
    await page.getByTestId("export-accept-all").click();
    await flag("phone").getByTestId("export-flag-reject").check();
    expect(await flag("phone").getAttribute("data-accepted")).toBe("false");
    expect(await page.locator('[data-testid="export-flag"][data-accepted="true"]').count()).toBe(3);
    await page.screenshot({ path: join(RESULTS, "export-review.png"), fullPage: true });

    await page.getByTestId("export-run").click();
    await page.getByTestId("export-result").waitFor();
    expect(await count("chats")).toBe(2);
    expect(await count("messages")).toBe(6);
    expect(await count("names")).toBeGreaterThanOrEqual(PLANTED_NAMES);
    expect(await count("emails")).toBe(2);
    expect(await count("phones")).toBe(0);
    expect(await count("urls")).toBe(1);
    expect(await count("other")).toBe(0);
    expect(await count("flagged-accepted")).toBe(3);
    expect(await count("flagged-kept")).toBe(1);
    await page.screenshot({ path: join(RESULTS, "export-result.png") });

    const download = page.waitForEvent("download");
    await page.getByTestId("export-download").click();
    const file = join(temp.dir, (await download).suggestedFilename());
    expect(file).toMatch(/masque-pippa-.*\.jsonl$/);
    await (await download).saveAs(file);
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(Object.keys(JSON.parse(line))).toEqual([...PIPPA_KEYS]);
    expect(text).not.toMatch(/\bAda\b|Lovelace|Countess/i);
    expect(text).toContain(PHONE);
    for (const gone of [EMAIL, SPARE_EMAIL, URL]) expect(text).not.toContain(gone);
    expect(text).toContain("[EMAIL]");
    expect(text).toContain("[URL]");
    // The test's own data dir: never the user's (another Masque may have written a newer schema there).
    const check = await runMasque(["--data-dir", dataDir, "validate", file, "--strict", "--json"]);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ lines: 2, valid: 2, invalidCount: 0 });
  });

  it("shows the core's error in the dialog and keeps every choice", async () => {
    await page.getByTestId("export-again").click();
    await chatBox("Quiet").check();
    await page.getByTestId("export-review").click();
    const error = page.getByTestId("export-error");
    await error.waitFor();
    expect(await error.getAttribute("data-code")).toBe("INVALID_INPUT");
    expect(await error.innerText()).toMatch(/no message from you/);
    for (const name of ["Mira", "Rook", "Quiet"]) expect(await chatBox(name).isChecked()).toBe(true);
    expect(await page.getByTestId("export-alias-chip").allInnerTexts()).toEqual([
      expect.stringContaining(ALIAS),
    ]);
    await chatBox("Quiet").uncheck();
  });

  it("exports all chats, leaving out the one without a message of the user's", async () => {
    await page.getByTestId("export-scope-all").check();
    await page.getByTestId("export-review").click();
    const summary = page.getByTestId("export-summary");
    await summary.waitFor();
    expect(await page.getByTestId("export-error").count()).toBe(0);
    expect(await summary.getAttribute("data-chats")).toBe("2");
    expect(await summary.getAttribute("data-skipped")).toBe("1");
    expect(await page.getByTestId("export-skipped").innerText()).toContain("Quiet");
    // The choice made on the first review is remembered for the same spans.
    expect(await flag("phone").getAttribute("data-accepted")).toBe("false");
    await page.getByTestId("export-reject-all").click();
    await page.getByTestId("export-run").click();
    await page.getByTestId("export-result").waitFor();
    expect(await count("chats")).toBe(2);
    expect(await count("emails")).toBe(0);
    expect(await count("urls")).toBe(0);
    expect(await count("flagged-kept")).toBe(4);
    expect(await count("names")).toBe(PLANTED_NAMES);
    await page.getByTestId("export-close").click();
    await dialog().waitFor({ state: "detached" });
  });

  it("exports Metharme for chosen characters, and one chat as a SillyTavern file", async () => {
    await page.getByTestId("open-export").click();
    await page.getByTestId("export-scope-characters").check();
    for (const name of ["Mira", "Rook"])
      await page
        .locator(`[data-testid="export-character-checkbox"][data-character-id="${characterIds[name]}"]`)
        .check();
    await page.getByTestId("export-format").selectOption("metharme-turn");
    await page.getByTestId("export-review").click();
    await page.getByTestId("export-summary").waitFor();
    await page.getByTestId("export-run").click();
    await page.getByTestId("export-result").waitFor();
    expect(await count("chats")).toBe(2);
    expect(await count("records")).toBe(2);
    expect(await count("names")).toBe(PLANTED_NAMES - 1);

    await page.getByTestId("export-again").click();
    await page.getByTestId("export-scope-chats").check();
    await page.getByTestId("export-format").selectOption("sillytavern");
    await chatBox("Mira").check();
    await chatBox("Rook").check();
    expect(await page.getByTestId("export-choice-problem").innerText()).toMatch(/exactly one chat/);
    expect(await page.getByTestId("export-run").isDisabled()).toBe(true);
    await chatBox("Rook").uncheck();
    await page.getByTestId("export-run").click();
    await page.getByTestId("export-result").waitFor();
    expect(await page.getByTestId("export-result").getAttribute("data-format")).toBe("sillytavern");
    const download = page.waitForEvent("download");
    await page.getByTestId("export-download").click();
    expect((await download).suggestedFilename()).toMatch(/^Mira - .*\.jsonl$/);
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "detached" });
  });
});

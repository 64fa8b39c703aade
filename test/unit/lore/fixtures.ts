/** The lorebook fixtures of test/fixtures/lore, as bytes and as parsed JSON. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dirname, "..", "..", "fixtures", "lore");

export const fixtureBytes = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
export const fixtureJson = (name: string) =>
  JSON.parse(readFileSync(join(DIR, name), "utf8")) as Record<string, unknown>;

export const WORLD_INFO = "world-info.json";
export const CHARACTER_BOOK = "character-book.json";
export const LOREBOOK_V3 = "lorebook-v3.json";

import type { CardData, CharacterCard } from "../../../shared/domain/card";
import { assetUriConcern } from "./assetUri";
import { repairCharacterBook } from "./book";
import { describeValue, invalid, isRecord } from "./cardError";
import { repairObject, repairString, repairStringList } from "./repair";
import type { Warn } from "./types";

type Version = 1 | 2 | 3;

const V1_FIELDS = ["name", "description", "personality", "scenario", "first_mes", "mes_example"];
const V2_STRING_FIELDS = [
  ...V1_FIELDS.slice(1),
  "creator_notes",
  "system_prompt",
  "post_history_instructions",
  "creator",
  "character_version",
];
/** SillyTavern's hybrid mirrors these at the top level; used only when `data` lacks them. */
const TOP_LEVEL_MIRROR: Record<string, string> = {
  ...Object.fromEntries(V1_FIELDS.map((field) => [field, field])),
  tags: "tags",
  creator_notes: "creatorcomment",
};

/**
 * Any card JSON (V1, V2, V3, SillyTavern's V1/V2 hybrid) → a V2- or V3-spec card whose `data`
 * keeps every key it came with. V1 becomes V2 with its top-level keys as `data`. The top level of
 * a hybrid is ST's V1 mirror of `data` and is not kept.
 */
export function normalizeCard(raw: unknown, warn: Warn): CharacterCard {
  if (!isRecord(raw)) invalid(`the card must be a JSON object, not ${describeValue(raw)}`);
  const { version, data } = pickData(raw, warn);
  repairName(data, raw, warn);
  const quietV2 = version === 1;
  for (const key of V2_STRING_FIELDS) {
    repairString({ obj: data, key, label: key, warn, quietIfMissing: quietV2 && !V1_FIELDS.includes(key) });
  }
  const at = (key: string) => ({ obj: data, key, label: key, warn, quietIfMissing: quietV2 });
  repairStringList(at("alternate_greetings"), false);
  repairStringList(at("tags"), true);
  dropBlankTags(data, warn);
  repairObject(at("extensions"));
  repairCharacterBook(data, version === 3, warn);
  if (version === 3 || data.group_only_greetings !== undefined) {
    repairStringList(at("group_only_greetings"), false);
  }
  // `assets` is V3's, but a V2 card may carry it: checked alike, since a V3 export keeps it
  // (found by fuzzing: a V2 card with a broken asset list exported a V3 card that could not be read).
  repairAssets(data, warn);
  return version === 3
    ? { spec: "chara_card_v3", spec_version: specVersion3(raw.spec_version, warn), data: data as CardData }
    : { spec: "chara_card_v2", spec_version: specVersion2(raw, version, warn), data: data as CardData };
}

function pickData(
  raw: Record<string, unknown>,
  warn: Warn,
): { version: Version; data: Record<string, unknown> } {
  const spec = raw.spec;
  if (spec === undefined || spec === null) {
    if (isRecord(raw.data) && raw.name === undefined) {
      warn("spec was missing; read data as a V2 card");
      return { version: 2, data: raw.data };
    }
    const data = { ...raw };
    if (spec === null) {
      warn("spec was null; read as a V1 card");
      delete data.spec;
    }
    return { version: 1, data };
  }
  if (typeof spec !== "string") invalid(`spec must be a string, not ${describeValue(spec)}`);
  const match = /^chara_card_v(\d+)$/.exec(spec);
  if (!match)
    invalid(`spec "${spec}" is not a character card spec (expected chara_card_v2 or chara_card_v3)`);
  if (!isRecord(raw.data)) invalid(`data must be an object for spec ${spec}, not ${describeValue(raw.data)}`);
  const data = raw.data;
  for (const [field, topKey] of Object.entries(TOP_LEVEL_MIRROR)) {
    if (data[field] === undefined && raw[topKey] !== undefined && raw[topKey] !== null) {
      warn(`${field} was missing from data; taken from the top-level ${topKey}`);
      data[field] = raw[topKey];
    }
  }
  const n = Number(match[1]);
  if (n === 2 || n === 3) return { version: n, data };
  if (n > 3) {
    warn(`spec ${spec} is newer than chara_card_v3; read as V3`);
    return { version: 3, data };
  }
  warn(`spec ${spec} is unknown; read as V2`);
  return { version: 2, data };
}

function repairName(data: Record<string, unknown>, raw: Record<string, unknown>, warn: Warn): void {
  const name = data.name;
  if (name === undefined || name === null) {
    const hint =
      raw.char_name !== undefined ? " (char_name suggests a Pygmalion/Gradio character, not a card)" : "";
    invalid(`missing name${hint}`);
  }
  if (typeof name === "number") {
    warn(`name was a number; made the string "${name}"`);
    data.name = String(name);
  } else if (typeof name !== "string") invalid(`name must be a string, not ${describeValue(name)}`);
  if (String(data.name).trim() === "") invalid("missing name (name is empty)");
}

/** The editor refuses blank tags, so an imported card drops them (with a warning) to stay editable. */
function dropBlankTags(data: Record<string, unknown>, warn: Warn): void {
  const tags = data.tags as string[];
  const kept = tags.filter((tag) => tag.trim() !== "");
  if (kept.length === tags.length) return;
  warn(`tags: ${tags.length - kept.length} blank tag${tags.length - kept.length === 1 ? "" : "s"} removed`);
  data.tags = kept;
}

function repairAssets(data: Record<string, unknown>, warn: Warn): void {
  const assets = data.assets;
  if (assets === undefined) return;
  if (assets === null) {
    warn("assets was null; removed");
    delete data.assets;
    return;
  }
  if (!Array.isArray(assets)) invalid(`assets must be a list, not ${describeValue(assets)}`);
  assets.forEach((asset, i) => {
    if (!isRecord(asset)) invalid(`assets[${i}] must be an object, not ${describeValue(asset)}`);
    if (typeof asset.uri !== "string")
      invalid(`assets[${i}].uri must be a string, not ${describeValue(asset.uri)}`);
    const concern = assetUriConcern(asset.uri);
    if (concern !== null) {
      const name = typeof asset.name === "string" && asset.name !== "" ? ` ("${asset.name}")` : "";
      warn(`assets[${i}]${name} ${concern}; kept in the card, never opened or fetched`);
    }
  });
}

function specVersion2(raw: Record<string, unknown>, version: Version, warn: Warn): string {
  const given = raw.spec_version;
  if (version !== 1 && given !== "2.0" && raw.spec === "chara_card_v2") {
    warn(`spec_version was ${given === undefined ? "missing" : JSON.stringify(given)}; set to "2.0"`);
  }
  return "2.0";
}

function specVersion3(given: unknown, warn: Warn): string {
  const text = typeof given === "string" || typeof given === "number" ? String(given) : "";
  const parsed = Number.parseFloat(text);
  if (!Number.isFinite(parsed) || parsed < 3) {
    warn(`spec_version was ${given === undefined ? "missing" : JSON.stringify(given)}; set to "3.0"`);
    return "3.0";
  }
  if (typeof given !== "string") warn(`spec_version was a number; made the string "${text}"`);
  if (parsed > 3) warn(`spec_version ${text} is newer than 3.0; imported anyway`);
  return text;
}

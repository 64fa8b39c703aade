/**
 * Imports a SillyTavern chat file as a new chat: the character named in the header (an existing
 * one with exactly that name, else a minimal new one), every message with its swipes as
 * alternatives under the same parent, and the chosen swipe on the active path. System messages
 * (hidden notes) are skipped; Masque has no place for them.
 */

import { type CardData, emptyCardData } from "../../../shared/domain/card";
import { type ImportReport, REFUSED_SHOWN, type RefusedLine } from "../../../shared/domain/library";
import { MasqueError } from "../../../shared/errors";
import type { CharacterRepository } from "../../storage/characterRepository";
import { ChatRepository } from "../../storage/chatRepository";
import type { Database } from "../../storage/database";
import { nestingProblem } from "../cards/jsonDepth";
import { parseStDate } from "../export/sillyTavernFormat";
import { INVALID_UTF8, readLines } from "./lineReader";

export interface StImportOptions {
  path: string;
  fileName: string;
  database: Database;
  characters: CharacterRepository;
}

interface ParsedMessage {
  isUser: boolean;
  name: string;
  swipes: string[];
  chosen: number;
  time: number | null;
}

interface ParsedChat {
  header: Record<string, unknown>;
  messages: ParsedMessage[];
  refused: RefusedLine[];
  systemSkipped: number;
  /** Lines whose bytes were not all UTF-8 (imported with U+FFFD in their place). */
  invalidUtf8Lines: number[];
}

export async function importSillyTavernFile(options: StImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const parsed = await readChat(options.path, options.fileName);
  const name = characterName(parsed, options.fileName);
  const created = Date.now();
  const start = parseStDate(parsed.header.create_date) ?? parsed.messages[0]?.time ?? created;
  const result = options.database.transaction(() => {
    const { id, isNew } = findOrCreateCharacter(options.characters, name, parsed, options.fileName);
    const chats = new ChatRepository(options.database);
    const title = `${name} — ${new Date(start).toISOString().slice(0, 16).replace("T", " ")}`;
    const chatId = chats.createChat(id, title, [], start);
    let parentId: number | null = null;
    let alternatives = 0;
    let last = start;
    for (const message of parsed.messages) {
      let chosenId = 0;
      message.swipes.forEach((text, index) => {
        const time = message.time ?? last;
        const role = message.isUser ? "user" : "character";
        const added = chats.addMessage({ chatId, parentId, role, text }, time);
        if (index === message.chosen) chosenId = added.id;
        last = time;
      });
      alternatives += message.swipes.length - 1;
      parentId = chosenId;
    }
    if (parentId !== null) chats.setActiveLeaf(chatId, parentId, last);
    return { id, isNew, chatId, alternatives };
  });
  const warnings = [
    `imported 1 chat (id ${result.chatId}) with ${parsed.messages.length} messages` +
      (result.alternatives > 0 ? ` and ${result.alternatives} alternatives` : ""),
  ];
  if (parsed.systemSkipped > 0) warnings.push(`${parsed.systemSkipped} system messages skipped`);
  for (const line of parsed.invalidUtf8Lines.slice(0, REFUSED_SHOWN))
    warnings.push(`line ${line}: ${INVALID_UTF8}`);
  if (parsed.invalidUtf8Lines.length > REFUSED_SHOWN) {
    warnings.push(`… and ${parsed.invalidUtf8Lines.length - REFUSED_SHOWN} more lines that were not UTF-8`);
  }
  return {
    format: "sillytavern",
    fileName: options.fileName,
    characters: { created: result.isNew ? 1 : 0, updated: 0 },
    sessions: { added: 0, skipped: 0 },
    refused: parsed.refused.slice(0, REFUSED_SHOWN),
    refusedCount: parsed.refused.length,
    warnings,
    characterIds: [result.id],
    cancelled: false,
    elapsedMs: Math.round(performance.now() - started),
  };
}

async function readChat(path: string, fileName: string): Promise<ParsedChat> {
  const chat: ParsedChat = { header: {}, messages: [], refused: [], systemSkipped: 0, invalidUtf8Lines: [] };
  let sawHeader = false;
  for await (const line of readLines(path)) {
    if (line.text.trim() === "") continue;
    const parsed = parseLine(line.text);
    if ("reason" in parsed) {
      chat.refused.push({ line: line.number, reason: parsed.reason });
      continue;
    }
    const value = parsed.value;
    if (!sawHeader) {
      if (!isHeader(value))
        throw new MasqueError("IMPORT_FAILED", `${fileName}: not a SillyTavern chat file`);
      chat.header = value;
      sawHeader = true;
      if (line.invalidUtf8) chat.invalidUtf8Lines.push(line.number);
      continue;
    }
    const message = toMessage(value);
    if (typeof message === "string") chat.refused.push({ line: line.number, reason: message });
    else if (message === null) chat.systemSkipped++;
    else {
      chat.messages.push(message);
      if (line.invalidUtf8) chat.invalidUtf8Lines.push(line.number);
    }
  }
  if (chat.messages.length === 0)
    throw new MasqueError("IMPORT_FAILED", `${fileName}: the chat has no messages`);
  return chat;
}

/** A line's JSON value, or why it is refused (too deeply nested, or not JSON). */
function parseLine(text: string): { value: unknown } | { reason: string } {
  const tooDeep = nestingProblem(text);
  if (tooDeep !== null) return { reason: tooDeep };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { reason: `not valid JSON (${(error as Error).message})` };
  }
}

function isHeader(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return "user_name" in value || "character_name" in value;
}

/** The message, null for a system message, or why the line is refused. */
function toMessage(value: unknown): ParsedMessage | null | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const m = value as Record<string, unknown>;
  if (typeof m.mes !== "string") return "mes must be a string";
  if (m.is_system === true) return null;
  const valid =
    Array.isArray(m.swipes) && m.swipes.length > 0 && m.swipes.every((s) => typeof s === "string");
  const swipes = valid ? [...(m.swipes as string[])] : [m.mes];
  let chosen =
    typeof m.swipe_id === "number" && swipes[m.swipe_id] === m.mes ? m.swipe_id : swipes.indexOf(m.mes);
  if (chosen === -1) {
    // `mes` is what SillyTavern shows; keep it even when the swipes disagree.
    swipes.push(m.mes);
    chosen = swipes.length - 1;
  }
  return {
    isUser: m.is_user === true,
    name: typeof m.name === "string" ? m.name : "",
    swipes,
    chosen,
    time: parseStDate(m.send_date),
  };
}

function characterName(chat: ParsedChat, fileName: string): string {
  const fromHeader = typeof chat.header.character_name === "string" ? chat.header.character_name.trim() : "";
  const fromMessage = chat.messages.find((m) => !m.isUser && m.name.trim())?.name.trim() ?? "";
  const name = fromHeader || fromMessage;
  if (!name) throw new MasqueError("IMPORT_FAILED", `${fileName}: the file does not name its character`);
  return name.slice(0, 200);
}

function findOrCreateCharacter(
  characters: CharacterRepository,
  name: string,
  chat: ParsedChat,
  fileName: string,
): { id: number; isNew: boolean } {
  const existing = characters.list({ sort: "recent" }).find((c) => c.name === name);
  if (existing) return { id: existing.id, isNew: false };
  const first = chat.messages[0];
  const greeting = first && !first.isUser ? first : null;
  const data: CardData = {
    ...emptyCardData(name),
    first_mes: greeting?.swipes[greeting.chosen] ?? "",
    alternate_greetings: greeting ? greeting.swipes.filter((_, i) => i !== greeting.chosen) : [],
    creator_notes: `Created by Masque from the SillyTavern chat file ${fileName}.`,
  };
  const record = characters.create(
    { spec: "chara_card_v2", spec_version: "2.0", data },
    { source: "manual" },
  );
  return { id: record.id, isNew: true };
}

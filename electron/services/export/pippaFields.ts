/**
 * The PIPPA fields Masque derives from a card and a chat (pippa-formats.md 5.4), before redaction.
 * Text is written the way the PIPPA importer stores it (NFC, `\n`, user placeholders as
 * `{{user}}`), so importing an export changes nothing.
 */
import { createHash } from "node:crypto";
import type { CardData } from "../../../shared/domain/card";
import type { Message } from "../../../shared/domain/chat";
import type { PippaExtension } from "../import/botAggregate";
import { normalizeLineEndings, normalizePlaceholders, splitDefinitions } from "../import/pippaText";

export interface ChatTurn {
  text: string;
  isHuman: boolean;
}

/** `extensions.pippa.bot_id` for PIPPA characters, else a 43-character id derived from the card. */
export function botIdFor(card: CardData): string {
  const pippa = pippaExtension(card);
  if (typeof pippa?.bot_id === "string" && pippa.bot_id.trim() !== "") return pippa.bot_id.trim();
  // Keys in sorted order: the canonical JSON of the card's identity.
  const identity = JSON.stringify({
    description: card.description,
    first_mes: card.first_mes,
    name: card.name,
  });
  return createHash("sha256").update(identity, "utf8").digest("base64url");
}

/** Card text as PIPPA stores it; `{{char}}` stays a macro (definitions and descriptions keep it). */
export function cardText(text: string): string {
  return normalizePlaceholders(text.normalize("NFC"))
    .replace(/<USER>/gi, "{{user}}")
    .replace(/<(?:BOT|CHAR)>/gi, "{{char}}");
}

/** Conversation text: as in PIPPA's logs the character's name is written out. */
export function messageText(text: string, botName: string): string {
  return cardText(text).replace(/\{\{char\}\}/g, botName);
}

/** The active path as PIPPA turns; empty messages are dropped (the PIPPA importer drops them too). */
export function conversationTurns(messages: readonly Message[], botName: string): ChatTurn[] {
  return messages
    .map((m) => ({ text: messageText(m.text, botName), isHuman: m.role === "user" }))
    .filter((t) => t.text.trim() !== "");
}

export interface CharacterFields {
  definitions: string | null;
  description: string | null;
}

/**
 * `bot_definitions`: the PIPPA original when the card's examples are still what the importer
 * derived from it, else rebuilt from `mes_example`. `bot_description`: the description (without
 * the definitions' free text when the original definitions carry it) plus personality and scenario.
 */
export function characterFields(card: CardData): CharacterFields {
  const raw = pippaExtension(card)?.bot_definitions_raw;
  let definitions = rebuildDefinitions(card.mes_example);
  let description = cardText(card.description).trim();
  if (typeof raw === "string" && raw.trim() !== "") {
    const split = splitDefinitions(raw);
    if (split.examples === card.mes_example) {
      definitions = normalizeLineEndings(raw.normalize("NFC"));
      description = withoutSuffix(description, split.freeText);
    }
  }
  const parts = [
    description,
    card.personality.trim() ? `Personality: ${cardText(card.personality).trim()}` : "",
    card.scenario.trim() ? `Scenario: ${cardText(card.scenario).trim()}` : "",
  ].filter(Boolean);
  return { definitions, description: parts.length > 0 ? parts.join("\n\n") : null };
}

/** One `{{char}}:`/`{{user}}:` block per `<START>`, each closed by `END_OF_DIALOG`; null without examples. */
export function rebuildDefinitions(mesExample: string): string | null {
  const blocks = cardText(mesExample)
    .split(/<START>/i)
    .map((b) => b.replace(/\n{3,}/g, "\n\n").trim())
    .filter(Boolean);
  return blocks.length > 0 ? blocks.map((b) => `${b}\nEND_OF_DIALOG`).join("\n") : null;
}

function withoutSuffix(description: string, freeText: string): string {
  if (!freeText) return description;
  if (description === freeText) return "";
  return description.endsWith(`\n\n${freeText}`)
    ? description.slice(0, -(freeText.length + 2)).trim()
    : description;
}

function pippaExtension(card: CardData): Partial<PippaExtension> | undefined {
  const pippa = (card.extensions as { pippa?: unknown } | undefined)?.pippa;
  return typeof pippa === "object" && pippa !== null ? (pippa as Partial<PippaExtension>) : undefined;
}

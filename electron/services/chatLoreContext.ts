/**
 * What a chat's prompt needs from personas and lorebooks, gathered in one place: the books it
 * scans (and what could not be read), the app's lore settings, its author's note and the persona
 * it is written under (recorded for the export's redaction).
 */
import type { AuthorNote } from "../../shared/domain/lore";
import type { Persona } from "../../shared/domain/persona";
import type { Settings } from "../../shared/domain/settings";
import type { LoreSettings, ScanBook } from "../../shared/prompt/lore/types";
import type { LorebookService } from "./lore/lorebookService";
import type { PersonaService } from "./personaService";

export interface ChatLoreServices {
  personas: PersonaService;
  lorebooks: LorebookService;
}

export interface ChatLoreContext {
  books: ScanBook[];
  /** Books that are attached but cannot be scanned, and why. */
  problems: string[];
  settings: LoreSettings;
  note: AuthorNote;
  persona: Persona | null;
}

export function chatLoreContext(
  services: ChatLoreServices,
  chatId: number,
  settings: Settings,
): ChatLoreContext {
  const { books, problems } = services.lorebooks.scanBooks(chatId);
  return {
    books,
    problems,
    settings: services.lorebooks.loreSettings(settings),
    note: services.lorebooks.note(chatId).effective,
    persona: services.personas.promptPersona(chatId),
  };
}

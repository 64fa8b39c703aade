/** Builds the persona and lorebook services over the database (wired by core.ts). */
import type { CharacterRepository } from "../../storage/characterRepository";
import { ChatLoreRepository } from "../../storage/chatLoreRepository";
import type { Database } from "../../storage/database";
import { LorebookRepository } from "../../storage/lorebookRepository";
import { PersonaRepository } from "../../storage/personaRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import { PersonaService } from "../personaService";
import { LorebookService } from "./lorebookService";

export function createLoreServices(
  database: Database,
  characters: CharacterRepository,
  settings: SettingsStore,
  uploadsDir: string,
): { personas: PersonaService; lorebooks: LorebookService } {
  const chats = new ChatLoreRepository(database);
  return {
    personas: new PersonaService(new PersonaRepository(database), chats),
    lorebooks: new LorebookService(new LorebookRepository(database), chats, characters, settings, uploadsDir),
  };
}

/**
 * User personas: create, edit, delete, the default one for new chats, a chat's own choice, the
 * persona a chat's prompt uses, and every persona name a chat was written under (for the
 * export's redaction).
 */
import type { ParsedRequestOf } from "../../shared/api/contract";
import type { ChatPersona, Persona } from "../../shared/domain/persona";
import { MasqueError } from "../../shared/errors";
import type { ChatLoreRepository } from "../storage/chatLoreRepository";
import type { PersonaImage, PersonaRepository } from "../storage/personaRepository";
import { CardFormatError } from "./cards/cardError";
import { decodeBase64 } from "./cards/decode";
import { guessMime } from "./cards/mime";

export class PersonaService {
  constructor(
    private readonly personas: PersonaRepository,
    private readonly chats: ChatLoreRepository,
  ) {}

  list(): Persona[] {
    return this.personas.list();
  }

  get(id: number): Persona {
    return this.personas.get(id);
  }

  create(input: ParsedRequestOf<"personas.create">): Persona {
    return this.personas.create(
      {
        name: input.name,
        description: input.description ?? "",
        position: input.position ?? "prefix",
        depth: input.depth ?? 0,
      },
      input.avatar ? decodeAvatar(input.avatar) : null,
      input.makeDefault ?? false,
    );
  }

  update(input: ParsedRequestOf<"personas.update">): Persona {
    const { id, avatar, ...fields } = input;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const image = avatar === undefined ? undefined : avatar === null ? null : decodeAvatar(avatar);
    return this.personas.update(id, defined, image);
  }

  delete(id: number): { deleted: true } {
    this.personas.delete(id);
    return { deleted: true };
  }

  setDefault(id: number | null): Persona | null {
    this.personas.setDefault(id);
    return this.personas.getDefault();
  }

  avatar(id: number): { mimeType: string; dataBase64: string } | null {
    const image = this.personas.avatar(id);
    return image ? { mimeType: image.mime, dataBase64: Buffer.from(image.data).toString("base64") } : null;
  }

  forChat(chatId: number): ChatPersona {
    const chosenId = this.chats.personaChoice(chatId);
    const persona = chosenId === null ? this.personas.getDefault() : this.personas.get(chosenId);
    return { chatId, chosenId, persona };
  }

  setForChat(chatId: number, personaId: number | null): ChatPersona {
    if (personaId !== null) this.personas.get(personaId);
    this.chats.setPersonaChoice(chatId, personaId);
    const view = this.forChat(chatId);
    if (view.persona) this.personas.recordName(chatId, view.persona.name);
    return view;
  }

  /**
   * The persona a chat's next prompt uses (null: none; the settings' user name applies). Its
   * name is recorded as one the chat was written under.
   */
  promptPersona(chatId: number): Persona | null {
    const persona = this.forChat(chatId).persona;
    if (persona) this.personas.recordName(chatId, persona.name);
    return persona;
  }

  /**
   * Every persona name the chat was written under: the ones recorded when it chose a persona or
   * built a prompt with one (kept after a rename or a delete), and the one it uses now.
   */
  namesUsedByChat(chatId: number): string[] {
    const names = new Set(this.personas.namesUsed(chatId));
    const current = this.forChat(chatId).persona;
    if (current) names.add(current.name);
    return [...names].sort((a, b) => b.length - a.length || a.localeCompare(b));
  }
}

function decodeAvatar(avatar: { mimeType: string; dataBase64: string }): PersonaImage {
  let data: Uint8Array;
  try {
    data = decodeBase64(avatar.dataBase64, "avatar.dataBase64");
  } catch (error) {
    if (error instanceof CardFormatError) throw new MasqueError("INVALID_INPUT", error.message);
    throw error;
  }
  const actual = guessMime(data, "");
  if (actual !== avatar.mimeType) {
    throw new MasqueError(
      "INVALID_INPUT",
      `avatar: the data is ${actual === "application/octet-stream" ? "not an image" : actual}, not ${avatar.mimeType}`,
    );
  }
  return { mime: actual, data };
}

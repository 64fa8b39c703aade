import type { ParsedRequestOf } from "../../shared/api/contract";
import { type CharacterCard, type CharacterRecord, emptyCardData } from "../../shared/domain/card";
import type { CharacterQuery, CharacterRepository } from "../storage/characterRepository";

/** The character library: create, read, list, delete. Cards are stored whole (V2 shape). */
export class CharacterService {
  constructor(private readonly characters: CharacterRepository) {}

  create(input: ParsedRequestOf<"characters.create">): CharacterRecord {
    const data = emptyCardData(input.name);
    data.description = input.description ?? "";
    data.personality = input.personality ?? "";
    data.scenario = input.scenario ?? "";
    data.first_mes = input.greeting ?? "";
    data.mes_example = input.exampleDialogue ?? "";
    data.tags = [...new Set(input.tags ?? [])];
    const card: CharacterCard = { spec: "chara_card_v2", spec_version: "2.0", data };
    return this.characters.create(card);
  }

  get(id: number): CharacterRecord {
    return this.characters.get(id);
  }

  list(query: CharacterQuery) {
    return this.characters.list(query);
  }

  delete(id: number): { deleted: true } {
    this.characters.delete(id);
    return { deleted: true };
  }
}

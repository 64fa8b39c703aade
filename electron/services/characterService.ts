import type { CardDataPatch, ParsedRequestOf } from "../../shared/api/contract";
import {
  type CardData,
  type CharacterCard,
  type CharacterRecord,
  emptyCardData,
} from "../../shared/domain/card";
import type { CardExportFormat, ExportedFile } from "../../shared/domain/library";
import type { CharacterQuery, CharacterRepository } from "../storage/characterRepository";
import { exportCard } from "./cards";

/** The character library: create, read, list, edit, delete, export. Cards are stored whole. */
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

  tags() {
    return this.characters.tags();
  }

  /** Applies the editor's changes; fields not in the patch stay exactly as they were. */
  update(id: number, patch: CardDataPatch): CharacterRecord {
    const record = this.characters.get(id);
    const data: CardData = { ...record.data };
    for (const [key, value] of Object.entries(patch)) {
      if (key === "character_book" && value === null) delete data.character_book;
      else if (value !== undefined) data[key] = key === "tags" ? [...new Set(value as string[])] : value;
    }
    this.characters.replaceCard(id, { spec: record.spec, spec_version: record.spec_version, data });
    return this.characters.get(id);
  }

  delete(id: number): { deleted: true } {
    this.characters.delete(id);
    return { deleted: true };
  }

  avatar(id: number): { mimeType: string; dataBase64: string } | null {
    const avatar = this.characters.avatar(id);
    return avatar ? { mimeType: avatar.mime, dataBase64: Buffer.from(avatar.data).toString("base64") } : null;
  }

  export(id: number, format: CardExportFormat): ExportedFile {
    const record = this.characters.get(id);
    const stored = this.characters.assets(id);
    const avatar = stored.find((a) => a.kind === "avatar");
    const file = exportCard(
      { spec: record.spec, spec_version: record.spec_version, data: record.data },
      {
        avatar: avatar ? { mime: avatar.mime, data: avatar.data } : null,
        assets: stored
          .filter((a) => a.kind === "asset")
          .map(({ path, mime, data }) => ({ path, mime, data })),
      },
      format,
    );
    return {
      fileName: file.fileName,
      mimeType: file.mimeType,
      dataBase64: Buffer.from(file.data).toString("base64"),
    };
  }
}

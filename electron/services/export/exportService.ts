/**
 * "Contribute back": exports chats as PIPPA JSONL (redacted, then checked by the validator),
 * Metharme JSONL, or a SillyTavern chat file, and validates PIPPA files. Results carry the bytes;
 * the caller decides where to write them.
 */
import type { ParsedRequestOf } from "../../../shared/api/contract";
import type { ExportedFile } from "../../../shared/domain/library";
import { MasqueError } from "../../../shared/errors";
import { buildNameList } from "../../../shared/redaction/names";
import type { CharacterRepository } from "../../storage/characterRepository";
import type { ChatRepository } from "../../storage/chatRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import { ExportSource, type ParsedSelection } from "./exportSource";
import { metharmeLines } from "./metharmeExport";
import { pippaLines } from "./pippaExport";
import { validatePippaFile, validatePippaText } from "./pippaValidator";
import { RedactionRun } from "./redactionRun";
import { sillyTavernFile } from "./sillyTavernExport";

const JSONL = "application/jsonl";

export class ExportService {
  private readonly source: ExportSource;

  constructor(
    private readonly chats: ChatRepository,
    private readonly characters: CharacterRepository,
    private readonly settings: SettingsStore,
    /** Every persona name a chat was written under, and group chats' members (for redaction and PIPPA lines). */
    private readonly chatPeople: {
      personaNames: (chatId: number) => string[];
      groupMembers: (chatId: number) => number[] | null;
    } = { personaNames: () => [], groupMembers: () => null },
  ) {
    this.source = new ExportSource(chats, characters, chatPeople.groupMembers);
  }

  preview(input: ParsedRequestOf<"export.preview">) {
    const { run, skipped } = this.run(input.selection, input.aliases);
    return {
      chats: run.chats.length,
      messages: run.messageCount(),
      skippedChats: skipped,
      names: [...run.nameList],
      replacements: run.replacements(),
      flagged: run.flagged(),
      warnings: run.warnings(),
    };
  }

  pippa(input: ParsedRequestOf<"export.pippa">) {
    const { run } = this.run(input.selection, input.aliases);
    const lines = pippaLines(run, input.acceptFlagged);
    const check = validatePippaText(lines.text, true);
    if (check.invalidCount > 0) {
      const first = check.invalid[0];
      throw new MasqueError(
        "INTERNAL",
        `the export failed its own validation: line ${first?.line}: ${first?.reason}`,
      );
    }
    const { text, ...summary } = lines;
    return { ...file(`masque-pippa-${stamp()}.jsonl`, text), ...summary };
  }

  metharme(input: ParsedRequestOf<"export.metharme">) {
    const { run } = this.run(input.selection, input.aliases);
    const lines = metharmeLines(run, input.acceptFlagged, input.mode ?? "turn");
    if (lines.records === 0) {
      throw new MasqueError(
        "INVALID_INPUT",
        "no replies to export: the selected chats have no reply after a message of yours",
      );
    }
    const { text, ...summary } = lines;
    return { ...file(`masque-metharme-${stamp()}.jsonl`, text), ...summary };
  }

  sillyTavern(input: ParsedRequestOf<"export.sillytavern">): ExportedFile {
    const chat = this.source.chat(input.chatId);
    if (chat.messages.length === 0)
      throw new MasqueError("INVALID_INPUT", `chat ${input.chatId} has no messages`);
    return sillyTavernFile(
      this.chats,
      chat,
      this.settings.getAll().userName,
      (id) => this.characters.get(id).data.name,
    );
  }

  validate(input: ParsedRequestOf<"files.validatePippa">) {
    return validatePippaFile(input.path, input.strict ?? false);
  }

  private run(selection: ParsedSelection, aliases: string[] | undefined) {
    const { chats, skipped } = this.source.select(selection);
    const personaNames = [...new Set(chats.flatMap((c) => this.chatPeople.personaNames(c.chat.id)))];
    const names = buildNameList([this.settings.getAll().userName, ...personaNames, ...(aliases ?? [])]);
    return { run: new RedactionRun(chats, names), skipped };
  }
}

function file(fileName: string, text: string): ExportedFile {
  return { fileName, mimeType: JSONL, dataBase64: Buffer.from(text, "utf8").toString("base64") };
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
}

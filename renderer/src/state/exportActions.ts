/**
 * "Contribute back": what the export dialog asks the core. The dialog keeps its own choices (they
 * live as long as it is open); these calls only go through the bridge and shape the answers.
 */
import type { ExportPreview, ExportSelection } from "../../../shared/api/contract";
import type { ChatSummary } from "../../../shared/domain/chat";
import type { ExportedFile } from "../../../shared/domain/library";
import type { RedactionCounts } from "../../../shared/redaction/types";
import { api } from "../bridge";

export type ExportFormat = "pippa" | "metharme-turn" | "metharme-chat" | "sillytavern";
export type ExportScope = "all" | "characters" | "chats";

export interface ExportChoice {
  scope: ExportScope;
  characterIds: number[];
  chatIds: number[];
  format: ExportFormat;
  /** Extra names to redact besides the display name. */
  aliases: string[];
}

export interface ExportResult extends ExportedFile {
  format: ExportFormat;
  chats: number;
  /** Null for SillyTavern (the core does not count them). */
  messages: number | null;
  /** Metharme records; null for the other formats. */
  records: number | null;
  /** Null for SillyTavern, which is not redacted. */
  redactions: RedactionCounts | null;
  flaggedAccepted: number;
  flaggedKept: number;
}

/** Every chat (all characters) and the display name that is always redacted. */
export async function loadExportChoices(): Promise<{ chats: ChatSummary[]; userName: string }> {
  const [chats, settings] = await Promise.all([api.call("chats.list", {}), api.call("settings.get", {})]);
  return { chats, userName: settings.userName };
}

export function selectionOf(choice: ExportChoice): ExportSelection {
  if (choice.scope === "all") return { all: true };
  if (choice.scope === "characters") return { characterIds: choice.characterIds };
  return { chatIds: choice.chatIds };
}

/** "" when the choice can be reviewed, else what is missing. */
export function choiceProblem(choice: ExportChoice): string {
  if (choice.format === "sillytavern") {
    if (choice.scope !== "chats" || choice.chatIds.length !== 1)
      return "A SillyTavern file holds one chat: choose exactly one chat.";
    return "";
  }
  if (choice.scope === "characters" && choice.characterIds.length === 0)
    return "Choose at least one character.";
  if (choice.scope === "chats" && choice.chatIds.length === 0) return "Choose at least one chat.";
  return "";
}

export function previewExport(choice: ExportChoice): Promise<ExportPreview> {
  return api.call("export.preview", { selection: selectionOf(choice), aliases: choice.aliases });
}

/**
 * Writes the export with exactly the accepted flagged spans replaced (ids from the preview, of
 * `flaggedTotal` flagged spans); names are always replaced.
 */
export async function runExport(
  choice: ExportChoice,
  accepted: readonly string[],
  flaggedTotal: number,
): Promise<ExportResult> {
  const selection = selectionOf(choice);
  const acceptFlagged = [...accepted];
  const { format } = choice;
  if (format === "sillytavern") {
    const chatId = choice.chatIds[0] ?? 0;
    const file = await api.call("export.sillytavern", { chatId });
    return {
      ...file,
      format,
      chats: 1,
      messages: null,
      records: null,
      redactions: null,
      flaggedAccepted: 0,
      flaggedKept: 0,
    };
  }
  if (format === "pippa") {
    const { flagged, ...out } = await api.call("export.pippa", {
      selection,
      aliases: choice.aliases,
      acceptFlagged,
    });
    const acceptedCount = flagged.filter((f) => f.accepted).length;
    return {
      ...out,
      format,
      records: null,
      flaggedAccepted: acceptedCount,
      flaggedKept: flagged.length - acceptedCount,
    };
  }
  const out = await api.call("export.metharme", {
    selection,
    aliases: choice.aliases,
    acceptFlagged,
    mode: format === "metharme-chat" ? "chat" : "turn",
  });
  return {
    ...out,
    format,
    flaggedAccepted: acceptFlagged.length,
    flaggedKept: Math.max(0, flaggedTotal - acceptFlagged.length),
  };
}

/** Shapes shared by the redaction code, the export service and (later) the review UI. */
/** `name`: a near miss of one of the user's names (see nearMiss.ts). */
export type PersonalDataKind = "email" | "phone" | "url" | "handle" | "ip" | "address" | "name";

/** A span of text that looks like personal data; `start`/`end` are UTF-16 offsets. */
export interface PersonalDataSpan {
  kind: PersonalDataKind;
  start: number;
  end: number;
  text: string;
}

/** What an accepted span is replaced with. */
export const PLACEHOLDERS: Record<PersonalDataKind, string> = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  url: "[URL]",
  handle: "[HANDLE]",
  ip: "[IP]",
  address: "[ADDRESS]",
  name: "{{user}}",
};

/** Where a piece of exported text comes from. Character fields have `chatId: null`. */
export type ExportField = "greeting" | "definitions" | "description" | "message";

export interface ExportLocation {
  chatId: number | null;
  characterId: number;
  field: ExportField;
  /** Index in the exported conversation (greeting = 0 when there is one), for `message` only. */
  messageIndex: number | null;
}

/** One occurrence of a user name that was replaced by `{{user}}`. */
export interface NameReplacement extends ExportLocation {
  /** The text as written (e.g. "ADA"). */
  text: string;
  /** About 60 characters around it, from the text before redaction. */
  context: string;
}

/** A span the scan flagged; the user accepts (replace by `replacement`) or rejects (keep) it. */
export interface FlaggedSpan extends ExportLocation {
  /** Stable while the data does not change: `<scope>:<field>:<start>-<end>`. */
  id: string;
  kind: PersonalDataKind;
  text: string;
  context: string;
  replacement: string;
}

export interface RedactionCounts {
  /** Names replaced, near misses accepted included. */
  names: number;
  emails: number;
  phones: number;
  urls: number;
  /** Handles, IP addresses and street addresses. */
  other: number;
}

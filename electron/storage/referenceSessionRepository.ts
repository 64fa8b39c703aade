import type {
  ReferenceMessage,
  ReferenceSession,
  ReferenceSessionSummary,
} from "../../shared/domain/library";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

export interface NewReferenceSession {
  characterId: number;
  contentHash: string;
  submittedAt: number | null;
  messages: ReferenceMessage[];
  /** `encodeMessages(messages)`, when the caller already has it. */
  messagesJson?: string;
}

/** The stored form of a session's messages: `[[isHuman ? 1 : 0, text], ...]`. */
export function encodeMessages(messages: readonly ReferenceMessage[]): string {
  return JSON.stringify(messages.map((m) => [m.isHuman ? 1 : 0, m.text]));
}

interface SessionRow {
  id: number;
  character_id: number;
  submitted_at: number | null;
  message_count: number;
  preview: string;
  messages_json?: string;
}

const PREVIEW_CHARS = 140;
/** The range of a JavaScript Date, in milliseconds either side of 1970. */
const MAX_DATE_MS = 8.64e15;
/**
 * `submitted_at` as a date or NULL. Databases imported by older versions may hold values no Date
 * can show (1e308, integers beyond 2^53 that node:sqlite cannot even read as a number), so every
 * read goes through this.
 */
const SUBMITTED_AT = `CASE WHEN typeof(submitted_at) IN ('integer', 'real')
  AND submitted_at BETWEEN -${MAX_DATE_MS} AND ${MAX_DATE_MS} THEN submitted_at END AS submitted_at`;

/** Read-only reference sessions (imported PIPPA conversations), deduplicated by content hash. */
export class ReferenceSessionRepository {
  private insertStatement: ReturnType<Database["db"]["prepare"]> | null = null;

  constructor(private readonly database: Database) {}

  /** Inserts the session unless one with the same content hash exists; returns whether it was added. */
  add(session: NewReferenceSession, now = Date.now()): boolean {
    this.insertStatement ??= this.database.db.prepare(
      `INSERT OR IGNORE INTO reference_sessions
         (character_id, content_hash, submitted_at, message_count, preview, messages_json, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const firstHuman = session.messages.find((m) => m.isHuman && m.text.trim())?.text ?? "";
    const result = this.insertStatement.run(
      session.characterId,
      session.contentHash,
      session.submittedAt,
      session.messages.length,
      firstHuman.slice(0, PREVIEW_CHARS),
      session.messagesJson ?? encodeMessages(session.messages),
      now,
    );
    return result.changes > 0;
  }

  has(contentHash: string): boolean {
    return (
      this.database.db.prepare("SELECT 1 FROM reference_sessions WHERE content_hash = ?").get(contentHash) !==
      undefined
    );
  }

  list(characterId: number): ReferenceSessionSummary[] {
    const rows = this.database.db
      .prepare(
        `SELECT id, character_id, ${SUBMITTED_AT}, message_count, preview FROM reference_sessions
         WHERE character_id = ? ORDER BY submitted_at, id`,
      )
      .all(characterId) as unknown as SessionRow[];
    return rows.map(toSummary);
  }

  get(sessionId: number): ReferenceSession {
    const row = this.database.db
      .prepare(
        `SELECT id, character_id, ${SUBMITTED_AT}, message_count, preview, messages_json
         FROM reference_sessions WHERE id = ?`,
      )
      .get(sessionId) as SessionRow | undefined;
    if (!row)
      throw new MasqueError("NOT_FOUND", `reference session ${sessionId} does not exist`, { sessionId });
    const pairs = JSON.parse(row.messages_json ?? "[]") as [number, string][];
    return { ...toSummary(row), messages: pairs.map(([h, text]) => ({ isHuman: h === 1, text })) };
  }
}

function dateOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_MS ? value : null;
}

function toSummary(row: SessionRow): ReferenceSessionSummary {
  return {
    id: row.id,
    characterId: row.character_id,
    submittedAt: dateOrNull(row.submitted_at),
    messageCount: row.message_count,
    preview: row.preview,
  };
}

/**
 * PIPPA JSONL (pippa-formats.md 1.2 and 5.4): one line per chat, exactly the 8 keys in PIPPA's
 * order, UTF-8 without BOM, `\n` after every line.
 */
import type { FlaggedSpan, RedactionCounts } from "../../../shared/redaction/types";
import type { Acceptance, RedactedChat, RedactionRun } from "./redactionRun";

export interface PippaLines {
  text: string;
  chats: number;
  messages: number;
  redactions: RedactionCounts;
  flagged: (FlaggedSpan & { accepted: boolean })[];
}

export function pippaLines(run: RedactionRun, choice: Acceptance, now = Date.now()): PippaLines {
  const accepted = run.acceptance(choice);
  const lines = run.chats.map((chat) => JSON.stringify(pippaRecord(run, chat, accepted, now)));
  return {
    text: lines.map((l) => `${l}\n`).join(""),
    chats: run.chats.length,
    messages: run.messageCount(),
    redactions: run.counts(accepted),
    flagged: run.flagged().map((f) => ({ ...f, accepted: accepted(f.id) })),
  };
}

function pippaRecord(run: RedactionRun, chat: RedactedChat, accepted: (id: string) => boolean, now: number) {
  const c = chat.character;
  const conversation = chat.turns.map((t) => ({
    message: run.text(t.field, accepted) as string,
    is_human: t.isHuman,
  }));
  return {
    submission_timestamp: now,
    categories: c.categories,
    bot_id: c.botId,
    bot_name: c.botName,
    bot_greeting: chat.hasGreeting ? (conversation[0]?.message ?? "") : "",
    bot_definitions: run.text(c.definitions, accepted),
    bot_description: run.text(c.description, accepted),
    conversation,
  };
}

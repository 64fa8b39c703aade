/**
 * Everything seen of one PIPPA bot across the lines of a file (and earlier imports): the bot is
 * one character keyed by `bot_id`, whose card is rebuilt from the canonical record (the one with
 * definitions, then the longest description, then the latest submission), the most frequent
 * greeting, the other greetings as alternates, and the union of categories as tags.
 */
import { type CardData, type CharacterCard, emptyCardData } from "../../../shared/domain/card";
import type { PippaRecord } from "./pippaRecord";
import { greetingKey, normalizePlaceholders, splitDefinitions } from "./pippaText";

/** What Masque keeps under `extensions.pippa`: the untouched originals and the merge state. */
export interface PippaExtension {
  bot_id: string;
  source_file: string;
  bot_name_raw: string;
  bot_greeting_raw: string;
  bot_definitions_raw: string | null;
  bot_description_raw: string | null;
  categories_raw: string[] | null;
  /** Null when the line's timestamp was not a date (the import repaired it to "unknown"). */
  canonical_submission_timestamp: number | null;
  /** Earliest and latest submission seen (each session keeps its own); null when none was a date. */
  first_submission_timestamp: number | null;
  last_submission_timestamp: number | null;
  greetings: { text: string; count: number }[];
  categories: string[];
  conversation_count: number;
}

/** The editor's limit on alternate greetings (`cardDataPatchSchema`). */
const MAX_ALTERNATES = 200;

export class BotAggregate {
  private canonical: PippaExtension;
  private readonly greetings = new Map<string, { text: string; count: number }>();
  private readonly categories = new Map<string, string>();
  private firstTimestamp = Number.POSITIVE_INFINITY;
  private lastTimestamp = Number.NEGATIVE_INFINITY;

  constructor(first: PippaRecord, fileName: string, previous?: PippaExtension) {
    this.canonical = previous ?? { ...fromRecord(first, fileName), conversation_count: 0 };
    for (const g of previous?.greetings ?? []) this.greetings.set(greetingKey(g.text), { ...g });
    for (const c of previous?.categories ?? []) this.categories.set(c.toLowerCase(), c);
    if (previous) {
      this.firstTimestamp = previous.first_submission_timestamp ?? Number.POSITIVE_INFINITY;
      this.lastTimestamp = previous.last_submission_timestamp ?? Number.NEGATIVE_INFINITY;
    }
  }

  /** Folds one line (a session that was new to the library) into the bot. */
  add(record: PippaRecord, fileName: string): void {
    if (compareRank(rank(record), rankOf(this.canonical)) > 0) {
      this.canonical = {
        ...fromRecord(record, fileName),
        conversation_count: this.canonical.conversation_count,
      };
    }
    this.canonical.conversation_count++;
    if (record.submission_timestamp !== null) {
      this.firstTimestamp = Math.min(this.firstTimestamp, record.submission_timestamp);
      this.lastTimestamp = Math.max(this.lastTimestamp, record.submission_timestamp);
    }
    for (const c of record.categories ?? []) {
      const tag = c.trim();
      if (tag && !this.categories.has(tag.toLowerCase())) this.categories.set(tag.toLowerCase(), tag);
    }
    const first = record.conversation[0];
    const greeting = normalizePlaceholders(
      record.bot_greeting.trim() ? record.bot_greeting : first && !first.is_human ? first.message : "",
    ).trim();
    if (greeting) {
      const key = greetingKey(greeting);
      const seen = this.greetings.get(key);
      if (seen) seen.count++;
      else this.greetings.set(key, { text: greeting, count: 1 });
    }
  }

  get botId(): string {
    return this.canonical.bot_id;
  }

  extension(): PippaExtension {
    const c = this.canonical;
    return {
      ...c,
      first_submission_timestamp: Number.isFinite(this.firstTimestamp)
        ? this.firstTimestamp
        : c.canonical_submission_timestamp,
      last_submission_timestamp: Number.isFinite(this.lastTimestamp)
        ? this.lastTimestamp
        : c.canonical_submission_timestamp,
      greetings: this.rankedGreetings(),
      categories: [...this.categories.values()],
    };
  }

  /** The card: PIPPA-derived fields rebuilt, every other field of `existing` kept as the user left it. */
  toCard(existing?: CharacterCard): CharacterCard {
    const c = this.canonical;
    const split = splitDefinitions(c.bot_definitions_raw ?? "");
    const description = normalizePlaceholders(c.bot_description_raw ?? "").trim();
    const [first, ...others] = this.rankedGreetings().map((g) => g.text);
    // The editor takes at most MAX_ALTERNATES; every greeting stays in extensions.pippa.greetings.
    const alternates = others.slice(0, MAX_ALTERNATES);
    const base: CardData = existing ? { ...existing.data } : emptyCardData(c.bot_name_raw.trim());
    const data: CardData = {
      ...base,
      name: c.bot_name_raw.trim(),
      description: [description, split.freeText].filter(Boolean).join("\n\n"),
      first_mes: first ?? "",
      alternate_greetings: alternates,
      mes_example: split.examples,
      tags: [...this.categories.values()],
      creator_notes:
        `Imported from the PIPPA dataset (PygmalionAI/PIPPA, Apache-2.0): Character.AI bot ${c.bot_id}, ` +
        `${c.conversation_count} conversation${c.conversation_count === 1 ? "" : "s"}. Content may be NSFW.`,
      extensions: { ...(base.extensions ?? {}), pippa: this.extension() },
    };
    return { spec: existing?.spec ?? "chara_card_v2", spec_version: existing?.spec_version ?? "2.0", data };
  }

  private rankedGreetings(): { text: string; count: number }[] {
    return [...this.greetings.values()].sort((a, b) => b.count - a.count);
  }
}

function fromRecord(
  record: PippaRecord,
  fileName: string,
): Omit<PippaExtension, "conversation_count"> & {
  conversation_count: number;
} {
  return {
    bot_id: record.bot_id,
    source_file: fileName,
    bot_name_raw: record.bot_name,
    bot_greeting_raw: record.bot_greeting,
    bot_definitions_raw: record.bot_definitions,
    bot_description_raw: record.bot_description,
    categories_raw: record.categories,
    canonical_submission_timestamp: record.submission_timestamp,
    first_submission_timestamp: record.submission_timestamp,
    last_submission_timestamp: record.submission_timestamp,
    greetings: [],
    categories: [],
    conversation_count: 0,
  };
}

type Rank = [number, number, number];

function rank(record: PippaRecord): Rank {
  return [
    record.bot_definitions?.trim() ? 1 : 0,
    record.bot_description?.length ?? -1,
    record.submission_timestamp ?? -1,
  ];
}

function rankOf(ext: PippaExtension): Rank {
  return [
    ext.bot_definitions_raw?.trim() ? 1 : 0,
    ext.bot_description_raw?.length ?? -1,
    ext.canonical_submission_timestamp ?? -1,
  ];
}

function compareRank(a: Rank, b: Rank): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

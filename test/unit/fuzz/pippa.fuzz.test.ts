/**
 * PIPPA lines, random and mutated from a valid one: the record check, the validator's line check
 * and the bot aggregate never throw, always name what is wrong, and never let a value through
 * that a later reader would choke on (a timestamp no Date can show, a non-string text).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkPippaLine } from "../../../electron/services/export/pippaLine";
import { BotAggregate } from "../../../electron/services/import/botAggregate";
import { checkPippaRecord, type PippaRecord } from "../../../electron/services/import/pippaRecord";
import { normalizePlaceholders, splitDefinitions } from "../../../electron/services/import/pippaText";
import { awkwardNumber, awkwardString, mutatedJson } from "./arbitraries";
import { fuzzOptions, fuzzTimeout } from "./runs";

const VALID = {
  submission_timestamp: 1_674_795_100_921,
  categories: ["Games"],
  bot_id: "Z_eqBXqaixUoyHcAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  bot_name: "The Winter RPG",
  bot_greeting: "Welcome to *Decaying Winter*, {{random_user_1}}.",
  bot_definitions: "{{char}}: Hello.\n{{random_user_1}}: Hi.\nEND_OF_DIALOG",
  bot_description: "A survival game.",
  conversation: [
    { message: "Welcome.", is_human: false },
    { message: "Hi [NAME_IN_MESSAGE_REDACTED]", is_human: true },
  ],
};

function expectSoundRecord(record: PippaRecord): void {
  if (record.submission_timestamp !== null) {
    expect(() => new Date(record.submission_timestamp as number).toISOString()).not.toThrow();
  }
  for (const text of [record.bot_id, record.bot_name, record.bot_greeting])
    expect(typeof text).toBe("string");
  for (const m of record.conversation) {
    expect(typeof m.message).toBe("string");
    expect(typeof m.is_human).toBe("boolean");
  }
}

const line = fc.oneof(
  mutatedJson(VALID).map((v) => JSON.stringify(v) ?? ""),
  awkwardString,
  mutatedJson(VALID).map((v) => (JSON.stringify(v) ?? "").slice(0, 80)),
);

describe("fuzzed PIPPA lines", { timeout: fuzzTimeout() }, () => {
  it("the record check returns a record or a reason, never throws", () => {
    fc.assert(
      fc.property(mutatedJson(VALID), (value) => {
        const result = checkPippaRecord(value);
        if (typeof result === "string") expect(result.length).toBeGreaterThan(0);
        else expectSoundRecord(result);
      }),
      fuzzOptions(400),
    );
  });

  it("the validator's line check gives an error or warnings, never throws", () => {
    fc.assert(
      fc.property(line, fc.boolean(), (text, strict) => {
        const verdict = checkPippaLine(text, strict);
        expect(verdict.error === null || verdict.error.length > 0).toBe(true);
        expect(Array.isArray(verdict.warnings)).toBe(true);
      }),
      fuzzOptions(400),
    );
  });

  it("a bot built from any accepted lines gives a card of strings and dates", () => {
    // Records valid by shape with awkward contents, through the record check (which repairs dates).
    const text = fc.oneof(awkwardString, fc.constantFrom("Hello.", "{{char}}: Hi.\nEND_OF_DIALOG"));
    const record = fc
      .record({
        submission_timestamp: fc.oneof(
          awkwardNumber,
          fc.constantFrom("1674795100921", "99999999999999999999"),
        ),
        categories: fc.option(fc.array(awkwardString, { maxLength: 3 })),
        bot_id: fc.constantFrom("A".repeat(43), "B".repeat(43)),
        bot_name: fc.oneof(text, fc.constant("Bot")),
        bot_greeting: text,
        bot_definitions: fc.option(text),
        bot_description: fc.option(text),
        conversation: fc.array(fc.record({ message: text, is_human: fc.boolean() }), {
          minLength: 1,
          maxLength: 4,
        }),
      })
      .map(checkPippaRecord)
      .filter((r): r is PippaRecord => typeof r !== "string");
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), (records) => {
        const bot = new BotAggregate(records[0] as PippaRecord, "fuzz.jsonl");
        for (const r of records) bot.add(r, "fuzz.jsonl");
        const card = bot.toCard();
        for (const key of ["name", "description", "first_mes", "mes_example", "creator_notes"] as const) {
          expect(typeof card.data[key]).toBe("string");
        }
        const ext = bot.extension();
        for (const t of [ext.first_submission_timestamp, ext.last_submission_timestamp]) {
          if (t !== null) expect(() => new Date(t).toISOString()).not.toThrow();
        }
        expect(() => JSON.stringify(card)).not.toThrow();
      }),
      fuzzOptions(200),
    );
  });

  it("placeholder normalisation is stable: normalising twice changes nothing", () => {
    const text = fc.oneof(
      awkwardString,
      fc
        .array(
          fc.constantFrom(
            "{{",
            "}}",
            "{",
            "}",
            "user",
            "char",
            "random_user_1",
            " ",
            "u01",
            "[REDACTED]",
            "\r",
            "\n",
            "x",
          ),
          {
            maxLength: 12,
          },
        )
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(text, (t) => {
        const once = normalizePlaceholders(t);
        expect(normalizePlaceholders(once)).toBe(once);
        expect(() => splitDefinitions(t)).not.toThrow();
      }),
      fuzzOptions(400),
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  humanizedDateTime,
  messageTimestamp,
  parseStDate,
} from "../../../electron/services/export/sillyTavernFormat";

describe("SillyTavern dates", () => {
  const ms = new Date(2024, 9, 8, 20, 5, 7).getTime();

  it("writes create_date and send_date the way SillyTavern does", () => {
    expect(humanizedDateTime(ms)).toBe("2024-10-08@20h05m07s");
    expect(messageTimestamp(ms)).toBe("October 8, 2024 8:05pm");
    expect(messageTimestamp(new Date(2024, 0, 1, 0, 30).getTime())).toBe("January 1, 2024 12:30am");
  });

  it("reads every form SillyTavern has written", () => {
    expect(parseStDate(humanizedDateTime(ms))).toBe(ms);
    expect(parseStDate("2024-10-8 @20h 5m 7s 250ms")).toBe(ms + 250);
    expect(parseStDate("October 8, 2024 8:05pm")).toBe(ms - 7000);
    expect(parseStDate("Oct 8, 2024 12:05am")).toBe(new Date(2024, 9, 8, 0, 5).getTime());
    expect(parseStDate(1_729_284_000_000)).toBe(1_729_284_000_000);
    expect(parseStDate("1729284000000")).toBe(1_729_284_000_000);
    expect(parseStDate("2024-10-18T20:55:00.000Z")).toBe(Date.UTC(2024, 9, 18, 20, 55));
    expect(parseStDate("whenever")).toBeNull();
    expect(parseStDate(undefined)).toBeNull();
  });

  it("gives null for dates no Date can hold (found by fuzzing: the import crashed on them)", () => {
    for (const value of [-8_640_000_000_000_001, 1e300, "9999999999999999", Number.NaN]) {
      expect(parseStDate(value), String(value)).toBeNull();
    }
    expect(parseStDate(-8_640_000_000_000_000)).toBe(-8_640_000_000_000_000);
  });
});

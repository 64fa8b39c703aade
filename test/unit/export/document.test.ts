import { describe, expect, it } from "vitest";
import { countField, emptyCounts, finishField, redactField } from "../../../shared/redaction/document";
import { buildNameList } from "../../../shared/redaction/names";
import { replaceSpans, spanContext } from "../../../shared/redaction/spans";

const location = { chatId: 3, characterId: 1, field: "message" as const, messageIndex: 2 };

describe("redactField / finishField", () => {
  const field = redactField(
    "I'm Ada, mail ada@example.com or call +44 20 7946 0958.",
    location,
    "chat3:m2",
    buildNameList(["Ada"]),
  );

  it("replaces names at once and flags the rest with ids, kinds, placeholders and context", () => {
    expect(field.text).toBe("I'm {{user}}, mail {{user}}@example.com or call +44 20 7946 0958.");
    expect(field.names.map((n) => n.text)).toEqual(["Ada", "ada"]);
    expect(field.names[0]?.context).toContain("I'm Ada, mail");
    expect(field.flagged).toEqual([
      expect.objectContaining({
        ...location,
        id: "chat3:m2:19-39",
        kind: "email",
        text: "{{user}}@example.com",
        replacement: "[EMAIL]",
      }),
      expect.objectContaining({ id: "chat3:m2:48-64", kind: "phone", replacement: "[PHONE]" }),
    ]);
  });

  it("replaces only the accepted spans and counts them", () => {
    expect(finishField(field, (id) => id.endsWith("48-64"))).toBe(
      "I'm {{user}}, mail {{user}}@example.com or call [PHONE].",
    );
    expect(finishField(field, () => true)).toBe("I'm {{user}}, mail [EMAIL] or call [PHONE].");
    const counts = emptyCounts();
    countField(counts, field, (id) => id.endsWith("19-39"));
    expect(counts).toEqual({ names: 2, emails: 1, phones: 0, urls: 0, other: 0 });
  });
});

describe("spans", () => {
  it("gives about 60 characters of context on one line", () => {
    const text = `${"a".repeat(100)}\nSPAN\n${"b".repeat(100)}`;
    const context = spanContext(text, 101, 105);
    expect(context).toMatch(/^…a+ SPAN b+…$/);
    expect(context.length).toBeLessThanOrEqual(63);
    expect(spanContext("short SPAN", 6, 10)).toBe("short SPAN");
  });

  it("replaces spans in any order", () => {
    expect(
      replaceSpans("abcdef", [
        { start: 4, end: 5, replacement: "X" },
        { start: 0, end: 2, replacement: "Y" },
      ]),
    ).toBe("YcdXf");
  });
});

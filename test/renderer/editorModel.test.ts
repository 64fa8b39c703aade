import { describe, expect, it } from "vitest";
import {
  buildPatch,
  fieldErrorsFrom,
  formFromRecord,
  parseJsonObject,
  parseTags,
} from "../../renderer/src/features/characters/editorModel";
import { findJsonProblem, lineColumnAt } from "../../renderer/src/features/characters/jsonProblem";
import { type CharacterRecord, emptyCardData } from "../../shared/domain/card";

function record(): CharacterRecord {
  const data = emptyCardData("Lily");
  data.description = "A girl who loves the park.";
  data.tags = ["Slice of life", "Kids"];
  data.alternate_greetings = ["Hello!"];
  data.extensions = { pippa: { bot_id: "abc" }, depth_prompt: { depth: 4 } };
  return {
    id: 7,
    spec: "chara_card_v2",
    spec_version: "2.0",
    data,
    source: "pippa",
    hasAvatar: false,
    createdAt: 1,
    updatedAt: 2,
  };
}

describe("buildPatch", () => {
  it("sends nothing when nothing changed, even after the JSON was re-formatted", () => {
    const form = formFromRecord(record());
    form.extensions = '{"depth_prompt":{"depth":4},"pippa":{"bot_id":"abc"}}';
    expect(buildPatch(form, record())).toEqual({ ok: true, patch: {} });
  });

  it("sends only the changed fields", () => {
    const form = formFromRecord(record());
    form.description = "Edited.";
    form.tags = "Kids, Park, kids";
    form.alternate_greetings = [...form.alternate_greetings, "Hi again"];
    form.character_book = '{"entries": []}';
    expect(buildPatch(form, record())).toEqual({
      ok: true,
      patch: {
        description: "Edited.",
        tags: ["Kids", "Park"],
        alternate_greetings: ["Hello!", "Hi again"],
        character_book: { entries: [] },
      },
    });
  });

  it("refuses invalid JSON with its line and column, and an empty name", () => {
    const form = formFromRecord(record());
    form.name = "  ";
    form.extensions = '{\n  "a": 1,\n  "b": }';
    const built = buildPatch(form, record());
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.errors.name).toMatch(/empty/);
    expect(built.errors.extensions).toMatch(/^Invalid JSON at line 3, column 8/);
  });

  it("treats an emptied character book as removing it, and lists as not objects", () => {
    const withBook = record();
    withBook.data.character_book = { entries: [], extensions: {} };
    const form = formFromRecord(withBook);
    form.character_book = "";
    expect(buildPatch(form, withBook)).toEqual({ ok: true, patch: { character_book: null } });
    form.extensions = "[]";
    expect(buildPatch(form, withBook).ok).toBe(false);
  });
});

describe("JSON and tag helpers", () => {
  it("computes 1-based lines and columns", () => {
    expect(lineColumnAt("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });

  it("locates truncated JSON at its end", () => {
    const parsed = parseJsonObject('{\n  "a": [1, 2', false);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatchObject({ line: 2, column: 13 });
  });

  it("finds the first error of common mistakes, and nothing in valid JSON", () => {
    expect(findJsonProblem('{"a": 1,}')).toMatchObject({
      line: 1,
      column: 9,
      message: "Trailing comma before “}”",
    });
    expect(findJsonProblem("{'a': 1}")).toMatchObject({ line: 1, column: 2 });
    expect(findJsonProblem('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9 });
    expect(findJsonProblem('{"a": tru}')).toMatchObject({ column: 7 });
    expect(findJsonProblem('{"a": 1} x')).toMatchObject({ column: 10 });
    expect(findJsonProblem('{"a": 01}')).toMatchObject({ column: 8 });
    for (const valid of ['{"a": [1, -2.5e3, true, null, "\\u00e9 \\n"], "b": {}}', "[]", " 0 "]) {
      expect(JSON.parse(valid)).toBeDefined();
      expect(findJsonProblem(valid)).toBeNull();
    }
  });

  it("splits tags on commas, trims them and drops duplicates", () => {
    expect(parseTags(" Fantasy, ,Sci-Fi,fantasy ")).toEqual(["Fantasy", "Sci-Fi"]);
  });
});

describe("fieldErrorsFrom", () => {
  it("places the core's INVALID_INPUT issues next to their fields", () => {
    expect(
      fieldErrorsFrom({
        code: "INVALID_INPUT",
        message: "characters.update: data.name: name must not be empty; data.tags.2: Too small",
      }),
    ).toEqual({ name: "name must not be empty", tags: "Too small" });
  });

  it("uses details.field when the core gives it, and ignores other errors", () => {
    expect(
      fieldErrorsFrom({ code: "CARD_INVALID", message: "bad book", details: { field: "character_book" } }),
    ).toEqual({ character_book: "bad book" });
    expect(fieldErrorsFrom({ code: "INTERNAL", message: "data.name: boom" })).toEqual({});
  });
});

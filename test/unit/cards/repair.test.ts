import { describe, expect, it } from "vitest";
import { exportCard, parseCardFile } from "../../../electron/services/cards";
import { clone, jsonBytes } from "../../fixtures/cards/builders";
import { V1_CARD, V2_CARD, V3_CARD, V3_REMOTE_ASSET_WARNING } from "../../fixtures/cards/cards";

type Data = Record<string, unknown>;

/** Parses V2_CARD with `edit` applied to a copy of its data. */
function v2With(edit: (data: Data) => void) {
  const card = clone(V2_CARD) as { data: Data };
  edit(card.data);
  return parseCardFile(jsonBytes(card), "repair.json");
}

function book(data: Data) {
  return data.character_book as { entries: Data[]; extensions?: unknown };
}

describe("off-spec repairs", () => {
  it("removes a null character_book", () => {
    const parsed = v2With((d) => {
      d.character_book = null;
    });
    expect("character_book" in parsed.card.data).toBe(false);
    expect(parsed.warnings).toEqual(["character_book was null; removed"]);
  });

  it("makes a string alternate_greetings a list of one (and an empty one [])", () => {
    const parsed = v2With((d) => {
      d.alternate_greetings = "Hi there";
    });
    expect(parsed.card.data.alternate_greetings).toEqual(["Hi there"]);
    expect(parsed.warnings).toEqual(["alternate_greetings was a string; made a list of one"]);
    const empty = v2With((d) => {
      d.alternate_greetings = "";
    });
    expect(empty.card.data.alternate_greetings).toEqual([]);
    expect(empty.warnings).toEqual(["alternate_greetings was a string; it was empty, set to []"]);
  });

  it("fills missing V2 fields from emptyCardData's defaults", () => {
    const parsed = v2With((d) => {
      delete d.creator_notes;
      delete d.tags;
      delete d.alternate_greetings;
      delete d.extensions;
    });
    expect(parsed.card.data).toMatchObject({
      creator_notes: "",
      tags: [],
      alternate_greetings: [],
      extensions: {},
    });
    expect(parsed.warnings).toEqual([
      'creator_notes was missing; set to ""',
      "alternate_greetings was missing; set to []",
      "tags was missing; set to []",
      "extensions was missing; set to {}",
    ]);
  });

  it("makes null strings empty and numbers strings", () => {
    const parsed = v2With((d) => {
      d.scenario = null;
      d.character_version = 2;
      d.name = 42;
    });
    expect(parsed.card.data.scenario).toBe("");
    expect(parsed.card.data.character_version).toBe("2");
    expect(parsed.card.data.name).toBe("42");
    expect(parsed.warnings).toEqual([
      'name was a number; made the string "42"',
      'scenario was null; set to ""',
      'character_version was a number; made the string "2"',
    ]);
  });

  it("splits string tags at commas and repairs odd list items", () => {
    const parsed = v2With((d) => {
      d.tags = "fantasy, guide,, sea ";
    });
    expect(parsed.card.data.tags).toEqual(["fantasy", "guide", "sea"]);
    expect(parsed.warnings).toEqual(["tags was a string; split at commas into a list"]);
    const items = v2With((d) => {
      d.tags = ["a", 3, null];
    });
    expect(items.card.data.tags).toEqual(["a", "3"]);
    expect(items.warnings).toEqual(["tags[1] was a number; made a string", "tags[2] was null; removed"]);
  });

  it("replaces extensions that are not an object by {}", () => {
    for (const bad of ["oops", null, [1]]) {
      const parsed = v2With((d) => {
        d.extensions = bad;
      });
      expect(parsed.card.data.extensions).toEqual({});
      expect(parsed.warnings).toHaveLength(1);
      expect(parsed.warnings[0]).toMatch(/^extensions was .*; replaced by \{\}$/);
    }
  });

  it("repairs lorebook entries but keeps their unknown keys", () => {
    const parsed = v2With((d) => {
      const entries = book(d).entries;
      delete book(d).extensions;
      entries[0] = { ...entries[0], keys: "harbour, port", enabled: undefined, insertion_order: "10" };
      entries[1] = { ...entries[1], content: null, extensions: undefined, secondary_keys: null };
    });
    const b = book(parsed.card.data);
    expect(b.extensions).toEqual({});
    expect(b.entries[0]).toMatchObject({
      keys: ["harbour", "port"],
      enabled: true,
      insertion_order: 10,
      x_custom: [1, 2, 3],
    });
    expect(b.entries[1]).toMatchObject({ content: "", extensions: {}, secondary_keys: [] });
    expect(parsed.warnings).toEqual([
      "character_book.extensions was missing; set to {}",
      "character_book.entries[0].keys was a string; split at commas into a list",
      "character_book.entries[0].enabled was missing; set to true",
      "character_book.entries[0].insertion_order was a string; made the number 10",
      'character_book.entries[1].content was null; set to ""',
      "character_book.entries[1].extensions was missing; set to {}",
      "character_book.entries[1].secondary_keys was null; set to []",
    ]);
  });

  it("adds required V3 fields with warnings", () => {
    const card = clone(V3_CARD) as { data: Data };
    delete card.data.group_only_greetings;
    delete (book(card.data).entries[0] as Data).use_regex;
    const parsed = parseCardFile(jsonBytes(card), "v3.json");
    expect(parsed.card.data.group_only_greetings).toEqual([]);
    expect(book(parsed.card.data).entries[0]?.use_regex).toBe(false);
    expect(parsed.warnings).toEqual([
      "character_book.entries[0].use_regex was missing; set to false",
      "group_only_greetings was missing; set to []",
      V3_REMOTE_ASSET_WARNING,
    ]);
  });

  it("warns about missing V1 fields but not about V2 fields a V1 card cannot have", () => {
    const card: Data = clone(V1_CARD);
    delete card.mes_example;
    const parsed = parseCardFile(jsonBytes(card), "v1.json");
    expect(parsed.card.data.mes_example).toBe("");
    expect(parsed.warnings).toEqual(['mes_example was missing; set to ""']);
  });

  it("reads data without spec as V2, with a warning", () => {
    const parsed = parseCardFile(jsonBytes({ data: clone(V2_CARD).data }), "nospec.json");
    expect(parsed.card.spec).toBe("chara_card_v2");
    expect(parsed.card.data.name).toBe("Mira");
    expect(parsed.warnings).toEqual(["spec was missing; read data as a V2 card"]);
  });

  it("exports repaired cards that import again without warnings", () => {
    const parsed = v2With((d) => {
      d.character_book = null;
      d.alternate_greetings = "Hi";
      d.tags = "a, b";
      d.extensions = 5;
      d.scenario = null;
    });
    expect(parsed.warnings).toHaveLength(5);
    for (const format of ["v2", "v3", "png", "charx"] as const) {
      const out = exportCard(parsed.card, { avatar: null, assets: [] }, format);
      expect(parseCardFile(out.data, `x.${format}`).warnings).toEqual([]);
    }
  });
});

import { describe, expect, it } from "vitest";
import { distinctN } from "../../../shared/stats/distinct";
import { oocMarkers, userSpeakerLines } from "../../../shared/stats/replyMarkers";
import { summariseReplies } from "../../../shared/stats/replyStats";
import { narrationSplit } from "../../../shared/stats/replyText";

describe("narration and dialogue", () => {
  it.each([
    // [reply, words, narration words]
    ['*She smiles.* "Hello there," she says.', 6, 2],
    ["**Bold** text *waves*", 3, 1],
    ["*an unclosed asterisk stays literal", 5, 0],
    ["*walks in.\nSits down.* Hi.", 5, 4],
    ["*a* b *c d* e", 5, 3],
    ["Don't go, l’amour!", 3, 0],
    ["***", 0, 0],
  ])("%j → %d words, %d narration", (text, all, narration) => {
    const split = narrationSplit(text);
    expect(split.words).toBe(all);
    expect(split.narrationWords).toBe(narration);
    expect(split.dialogueWords).toBe(all - narration);
    expect(split.narrationShare).toBeCloseTo(all === 0 ? 0 : narration / all, 12);
  });
});

describe("replies that speak for the user", () => {
  it.each([
    ["Hi!\nSam: Hello", 1],
    ["*Sam: waves*", 1],
    ["{{user}}: hi", 1],
    ['  "sam: lower case', 1],
    ["**Sam**: bold tag", 1],
    ["Samantha: another name", 0],
    ["Sam smiles: not a tag", 0],
    ["You: in the Pygmalion format\nYou: twice", 2],
    ["Aria: the character herself", 0],
  ])("%j → %d lines", (text, lines) => {
    expect(userSpeakerLines(text, ["Sam", "You"])).toBe(lines);
  });
});

describe("out-of-character markers", () => {
  it.each([
    ["(OOC: brb)", 1],
    ["((lol))", 1],
    ["((OOC: both at once))", 1],
    ["OOC: plain", 1],
    ["[OOC note] and [[another]]", 2],
    ["(OOC: brb) ((lol)) OOC: test [OOC note]", 4],
    ["A cook (Cook) went to the zoo.", 0],
  ])("%j → %d", (text, count) => {
    expect(oocMarkers(text)).toBe(count);
  });
});

describe("distinct-n", () => {
  it("counts distinct n-grams across replies, never across a reply boundary", () => {
    expect(distinctN(["the cat the cat", "The dog"], 1)).toEqual({ ngrams: 6, distinct: 3, ratio: 0.5 });
    // Bigrams: "the cat", "cat the", "the cat", "the dog" — "cat the" never spans the two replies.
    expect(distinctN(["the cat the cat", "The dog"], 2)).toEqual({ ngrams: 4, distinct: 3, ratio: 0.75 });
    expect(distinctN(["one"], 2)).toEqual({ ngrams: 0, distinct: 0, ratio: 0 });
  });
});

describe("reply set summary", () => {
  it("summarises lengths, narration, failure rates and diversity", () => {
    const replies = ['*nods* "Yes."', "Sam: I speak for you.\n*Aria laughs*", "(OOC: sorry) Hello hello"];
    const summary = summariseReplies(replies, {
      userNames: ["Sam"],
      countTokens: (t) => t.length, // characters stand in for tokens here
    });
    expect(summary.replies).toBe(3);
    expect(summary.perReply.map((r) => r.words)).toEqual([2, 7, 4]);
    expect(summary.perReply.map((r) => r.narrationWords)).toEqual([1, 2, 0]);
    expect(summary.tokens?.median).toBe(replies[2]?.length);
    expect(summary.words).toMatchObject({ min: 2, median: 4, max: 7, mean: 13 / 3 });
    expect(summary.speaksForUserRate).toBeCloseTo(1 / 3, 12);
    expect(summary.oocRate).toBeCloseTo(1 / 3, 12);
    expect(summary.distinct1).toEqual(distinctN(replies, 1));
    expect(summariseReplies(replies, { userNames: [] }).tokens).toBeNull();
  });

  it("refuses an empty set", () => {
    expect(() => summariseReplies([], { userNames: [] })).toThrow(/replies/);
  });
});

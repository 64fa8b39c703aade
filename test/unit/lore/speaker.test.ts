import { describe, expect, it } from "vitest";
import { MasqueError } from "../../../shared/errors";
import {
  chooseSpeakers,
  type GroupMember,
  type SpeakerInput,
  talkativenessOf,
} from "../../../shared/prompt/speaker";

const member = (id: number, name: string, talkativeness = 0.5, muted = false): GroupMember => ({
  id,
  name,
  talkativeness,
  muted,
});
const ARIA = member(1, "Aria Vale", 0);
const BRAM = member(2, "Bram", 0);
const CORA = member(3, "Cora", 0);
const DEX = member(4, "Dex", 0, true);
const GROUP = [ARIA, BRAM, CORA, DEX];

const speakers = (input: Partial<SpeakerInput>) =>
  chooseSpeakers({
    members: GROUP,
    strategy: { kind: "natural" },
    lastMessage: null,
    seed: 7,
    ...input,
  }).map((c) => c.speakerId);

describe("natural order", () => {
  it.each([
    ["a named character first", "Cora, what do you think?", null, [3]],
    ["several names: in the order they are named", "Bram and Aria, come here", null, [2, 1]],
    ["any word of a name, whole words, any case", "hey vale!", null, [1]],
    ["not inside other words", "Brambles and corals", null, undefined],
    ["never a muted character", "Dex? Cora?", null, [3]],
    ["a character does not answer itself", "I, Cora, will wait for Bram", 3, [2]],
  ] as const)("%s", (_name, text, speakerId, expected) => {
    const chosen = speakers({ lastMessage: { text, speakerId } });
    if (expected) expect(chosen).toEqual(expected);
    else expect(chosen).toHaveLength(1); // nobody named, nobody talkative: one is drawn
  });

  it("then by talkativeness, rolled from the seed (the same seed, the same order)", () => {
    const members = [
      member(1, "Aria", 1),
      member(2, "Bram", 0),
      member(3, "Cora", 1),
      member(4, "Dex", 1, true),
    ];
    const chosen = chooseSpeakers({ members, strategy: { kind: "natural" }, lastMessage: null, seed: 3 });
    expect(chosen.map((c) => c.speakerId).sort()).toEqual([1, 3]);
    expect(chosen[0]?.reason).toMatch(/^talkativeness 1 \(rolled/);
    expect(chooseSpeakers({ members, strategy: { kind: "natural" }, lastMessage: null, seed: 3 })).toEqual(
      chosen,
    );
  });

  it("talkativeness decides how often a character joins in", () => {
    const members = [member(1, "Aria", 0.8), member(2, "Bram", 0.2)];
    const joins = { 1: 0, 2: 0 } as Record<number, number>;
    for (let seed = 0; seed < 1000; seed++) {
      for (const id of speakers({ members, seed })) joins[id] = (joins[id] ?? 0) + 1;
    }
    expect(joins[1]).toBeGreaterThan(700);
    expect(joins[2]).toBeLessThan(400);
  });

  it("when nobody is chosen, one is drawn; a lone character may answer itself", () => {
    expect(speakers({ lastMessage: { text: "...", speakerId: 1 } })).toHaveLength(1);
    expect(speakers({ members: [ARIA], lastMessage: { text: "...", speakerId: 1 } })).toEqual([1]);
    expect(speakers({ members: [DEX] })).toEqual([]);
  });
});

describe("fixed list", () => {
  it.each([
    ["from the top after the user", null, [3, 1, 2]],
    ["after whoever spoke last", 3, [1, 2, 3]],
    ["wrapping around", 2, [3, 1, 2]],
  ] as const)("%s; muted and unknown ids skipped", (_name, speakerId, expected) => {
    expect(
      speakers({ strategy: { kind: "list", order: [3, 4, 1, 99, 2] }, lastMessage: { text: "", speakerId } }),
    ).toEqual(expected);
  });
});

describe("manual", () => {
  it("takes the user's pick", () => {
    expect(speakers({ strategy: { kind: "manual", speakerId: 2 } })).toEqual([2]);
  });

  it.each([
    [4, /Dex is muted/],
    [9, /character 9 is not in this group chat/],
  ])("refuses character %i", (speakerId, message) => {
    expect(() => speakers({ strategy: { kind: "manual", speakerId } })).toThrow(MasqueError);
    expect(() => speakers({ strategy: { kind: "manual", speakerId } })).toThrow(message);
  });
});

it.each([
  [{ talkativeness: "0.8" }, 0.8],
  [{ talkativeness: 0.3 }, 0.3],
  [{ talkativeness: "lots" }, 0.5],
  [{ talkativeness: 7 }, 1],
  [{}, 0.5],
])("talkativeness of %o is %d", (extensions, expected) => {
  expect(talkativenessOf(extensions)).toBe(expected);
});

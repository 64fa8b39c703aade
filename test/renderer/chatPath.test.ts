import { describe, expect, it } from "vitest";
import {
  joinDraft,
  joinLatestPage,
  placeFinished,
  placeInView,
  planDisplay,
  prependPage,
  regenerateTarget,
  replaceMessage,
} from "../../renderer/src/state/chatPath";
import type { StreamShape } from "../../renderer/src/state/streams";
import type { ChatView, Message } from "../../shared/domain/chat";

function msg(
  id: number,
  parentId: number | null,
  role: Message["role"] = "character",
  text = `m${id}`,
): Message {
  return {
    id,
    chatId: 1,
    parentId,
    role,
    text,
    status: "complete",
    stopReason: null,
    stats: null,
    provenance: null,
    createdAt: 0,
    editedAt: null,
    siblingIndex: 0,
    siblingCount: 1,
  };
}

// greeting 1 → user 2 → reply 3 → user 4 → reply 5
const path = [msg(1, null), msg(2, 1, "user"), msg(3, 2), msg(4, 3, "user"), msg(5, 4)];
const shape = (kind: StreamShape["kind"], parentId: number | null, messageId: number | null = null) => ({
  kind,
  parentId,
  messageId,
});
const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

describe("planDisplay", () => {
  it("shows the path as it is without a generation", () => {
    expect(planDisplay(path, undefined)).toEqual({ messages: path, bubble: false, extendId: null });
  });

  it("puts a reply's bubble after its parent, at the end", () => {
    const plan = planDisplay(path, shape("reply", 5));
    expect(ids(plan.messages)).toEqual([1, 2, 3, 4, 5]);
    expect(plan.bubble).toBe(true);
  });

  it("streams a swipe of a middle reply in its place, hiding what followed it", () => {
    const plan = planDisplay(path, shape("swipe", 2));
    expect(ids(plan.messages)).toEqual([1, 2]);
    expect(plan).toMatchObject({ bubble: true, extendId: null });
  });

  it("replaces the whole path for a new greeting", () => {
    expect(planDisplay(path, shape("swipe", null))).toEqual({ messages: [], bubble: true, extendId: null });
  });

  it("grows the continued message instead of adding a bubble", () => {
    expect(planDisplay(path, shape("continue", 4, 5))).toEqual({
      messages: path,
      bubble: false,
      extendId: 5,
    });
    // Unknown target: the last message.
    expect(planDisplay(path, shape("continue", 4, null)).extendId).toBe(5);
  });

  it("shows nothing for an impersonation (it goes to the message box)", () => {
    expect(planDisplay(path, shape("impersonate", 5))).toEqual({
      messages: path,
      bubble: false,
      extendId: null,
    });
  });

  it("falls back to a bubble at the end when the kind or parent is unknown", () => {
    expect(planDisplay(path, shape(null, null))).toEqual({ messages: path, bubble: true, extendId: null });
    expect(planDisplay(path, shape("swipe", 99))).toEqual({ messages: path, bubble: true, extendId: null });
  });
});

describe("placeFinished", () => {
  it("appends a reply under the last message", () => {
    expect(ids(placeFinished(path, msg(6, 5)) ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("ends the path under the parent of a new swipe", () => {
    expect(ids(placeFinished(path, msg(7, 2)) ?? [])).toEqual([1, 2, 7]);
  });

  it("replaces a continued message in place", () => {
    const longer = msg(5, 4, "character", "m5 and more");
    const placed = placeFinished(path, longer);
    expect(ids(placed ?? [])).toEqual([1, 2, 3, 4, 5]);
    expect(placed?.[4]?.text).toBe("m5 and more");
  });

  it("starts over with a new greeting, and gives up on an unknown parent", () => {
    expect(ids(placeFinished(path, msg(8, null)) ?? [])).toEqual([8]);
    expect(placeFinished(path, msg(9, 42))).toBeNull();
  });
});

describe("a page of a long path (the parent lies before the loaded messages)", () => {
  const page = path.slice(2); // 3, 4, 5: the parent of 3 (message 2) is not loaded

  it("streams a swipe of the first loaded message in its place", () => {
    const plan = planDisplay(page, shape("swipe", 2));
    expect(ids(plan.messages)).toEqual([]);
    expect(plan.bubble).toBe(true);
  });

  it("places the swipe's result there", () => {
    expect(ids(placeFinished(page, msg(9, 2)) ?? [])).toEqual([9]);
  });
});

function chatView(messages: Message[], hasEarlier = false): ChatView {
  return {
    chat: {
      id: 1,
      characterId: 1,
      characterName: "A",
      title: "t",
      createdAt: 0,
      updatedAt: 10,
      messageCount: 5,
    },
    options: {},
    members: [],
    group: false,
    activeLeafId: messages.at(-1)?.id ?? null,
    messages,
    hasEarlier,
    pendingGeneration: null,
  };
}

describe("placeInView", () => {
  it("adds a finished reply, counts it and clears its pending generation", () => {
    const pendingGeneration = {
      generationId: "g",
      kind: "reply" as const,
      parentId: 5,
      messageId: null,
      text: "",
      seq: 0,
    };
    const reply = { ...msg(6, 5), createdAt: 50 };
    const placed = placeInView({ ...chatView(path), pendingGeneration }, reply, "g");
    expect(ids(placed?.messages ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(placed).toMatchObject({ activeLeafId: 6, pendingGeneration: null });
    expect(placed?.chat).toMatchObject({ messageCount: 6, updatedAt: 50 });
  });

  it("does not count a continued message twice", () => {
    const placed = placeInView(chatView(path), msg(5, 4, "character", "m5 and more"), "g");
    expect(placed?.chat.messageCount).toBe(5);
    expect(placed?.messages.at(-1)?.text).toBe("m5 and more");
  });

  it("gives up when the parent is not on the loaded path", () => {
    expect(placeInView(chatView(path), msg(9, 42), "g")).toBeNull();
  });
});

describe("pages", () => {
  it("keeps earlier pages when the end of the path is read again", () => {
    const loaded = chatView(path, true);
    const page = chatView([path[3], path[4], msg(6, 5)] as Message[], true);
    const joined = joinLatestPage(loaded, page);
    expect(ids(joined.messages)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(joined.hasEarlier).toBe(true);
  });

  it("takes the page as it is when the path changed or the page is whole", () => {
    const loaded = chatView(path, true);
    expect(ids(joinLatestPage(loaded, chatView([msg(7, 2)], true)).messages)).toEqual([7]);
    expect(joinLatestPage(loaded, chatView(path.slice(0, 2), false)).hasEarlier).toBe(false);
    expect(joinLatestPage(null, chatView(path, true)).messages).toEqual(path);
  });

  it("prepends an earlier page read before the first loaded message", () => {
    const view = chatView(path.slice(2), true);
    const next = prependPage(view, 3, { messages: path.slice(0, 2), hasEarlier: false });
    expect(ids(next?.messages ?? [])).toEqual([1, 2, 3, 4, 5]);
    expect(next?.hasEarlier).toBe(false);
    // The path no longer starts where the page was read: nothing to join.
    expect(prependPage(view, 1, { messages: [], hasEarlier: false })).toBeNull();
  });
});

describe("replaceMessage and regenerateTarget", () => {
  it("replaces one message by id", () => {
    const edited = { ...msg(2, 1, "user", "edited"), editedAt: 5 };
    expect(replaceMessage(path, edited)[1]).toBe(edited);
    expect(replaceMessage(path, edited)[0]).toBe(path[0]);
  });

  it("regenerates the last reply, or answers a trailing user message, never the lone greeting", () => {
    expect(regenerateTarget(path)).toBe(5);
    expect(regenerateTarget(path.slice(0, 4))).toBe(4);
    expect(regenerateTarget(path.slice(0, 1))).toBeNull();
    expect(regenerateTarget([])).toBeNull();
  });
});

describe("joinDraft", () => {
  it("fills an empty box and never replaces typed text", () => {
    expect(joinDraft("", "draft")).toBe("draft");
    expect(joinDraft("  ", "draft")).toBe("draft");
    expect(joinDraft("typed ", "draft")).toBe("typed\n\ndraft");
    expect(joinDraft("typed", "")).toBe("typed");
  });
});

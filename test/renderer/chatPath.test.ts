import { describe, expect, it } from "vitest";
import {
  joinDraft,
  placeFinished,
  planDisplay,
  regenerateTarget,
  replaceMessage,
} from "../../renderer/src/state/chatPath";
import type { StreamShape } from "../../renderer/src/state/streams";
import type { Message } from "../../shared/domain/chat";

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

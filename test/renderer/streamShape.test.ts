import { describe, expect, it } from "vitest";
import type { StreamState } from "../../renderer/src/state/appStore";
import { currentSeq, newStream, reconcileStreams, UNKNOWN_SHAPE } from "../../renderer/src/state/streams";
import type { ChatView } from "../../shared/domain/chat";

function view(pending: ChatView["pendingGeneration"]): ChatView {
  return {
    chat: {
      id: 7,
      characterId: 1,
      characterName: "A",
      title: "t",
      createdAt: 0,
      updatedAt: 0,
      messageCount: 3,
    },
    options: {},
    activeLeafId: 3,
    messages: [],
    pendingGeneration: pending,
  };
}

describe("streams know what they generate", () => {
  it("a reloaded page resumes a swipe as a swipe, under the right parent", () => {
    const pending = {
      generationId: "g-swipe",
      kind: "swipe" as const,
      parentId: 2,
      messageId: null,
      text: "Hi",
    };
    const streams = reconcileStreams({}, view(pending), currentSeq());
    expect(streams["g-swipe"]).toMatchObject({
      kind: "swipe",
      parentId: 2,
      messageId: null,
      text: "Hi",
      complete: true,
    });
  });

  it("a stream seen only through deltas learns its kind from the snapshot", () => {
    const early: Record<string, StreamState> = {
      "g-cont": newStream("g-cont", 7, UNKNOWN_SHAPE, " more", false),
    };
    const pending = {
      generationId: "g-cont",
      kind: "continue" as const,
      parentId: 2,
      messageId: 3,
      text: "and more",
    };
    const streams = reconcileStreams(early, view(pending), currentSeq());
    expect(streams["g-cont"]).toMatchObject({
      kind: "continue",
      messageId: 3,
      text: "and more",
      complete: true,
    });
  });
});

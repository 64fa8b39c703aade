import { describe, expect, it } from "vitest";
import { replaceSummary, touchChat } from "../../renderer/src/state/chatList";
import type { ChatSummary } from "../../shared/domain/chat";

const chat = (id: number, updatedAt: number, messageCount = 1): ChatSummary => ({
  id,
  characterId: 1,
  characterName: "A",
  title: `chat ${id}`,
  createdAt: 0,
  updatedAt,
  messageCount,
});

describe("the chat list updated without reading it again", () => {
  const chats = [chat(1, 30), chat(2, 20, 4), chat(3, 10)];

  it("counts new messages and moves the chat to the top", () => {
    const next = touchChat(chats, 3, 2, 40);
    expect(next.map((c) => c.id)).toEqual([3, 1, 2]);
    expect(next[0]).toMatchObject({ messageCount: 3, updatedAt: 40 });
  });

  it("never moves a date back, and leaves a list without the chat as it is", () => {
    expect(touchChat(chats, 2, 0, 0)[1]).toMatchObject({ id: 2, updatedAt: 20, messageCount: 4 });
    expect(touchChat(chats, 99, 1, 50)).toBe(chats);
  });

  it("takes a summary the core returned", () => {
    const next = replaceSummary(chats, { ...chat(2, 50, 2), title: "renamed" });
    expect(next.map((c) => c.id)).toEqual([2, 1, 3]);
    expect(next[0]).toMatchObject({ title: "renamed", messageCount: 2 });
    expect(replaceSummary(chats, chat(2, 20, 4))).toBe(chats);
  });
});

import { defaultRangeExtractor, type Range } from "@tanstack/react-virtual";
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ChatView, Message } from "../../../../shared/domain/chat";
import { type StreamState, selectActiveStream, useAppState } from "../../state/appStore";
import { loadEarlier } from "../../state/chatActions";
import { planDisplay } from "../../state/chatPath";
import { estimateMessageHeight, placementOf, useMessageVirtualizer } from "../../ui/useMessageVirtualizer";
import { ChatMessage } from "./ChatMessage";
import { MessageBubble } from "./MessageBubble";
import "./messages.css";

/** Earlier messages are read when the reader comes within this many screens of the top. */
const EARLIER_WITHIN_SCREENS = 1.5;

/** The reader counts as at the end of the chat within this distance of it (px). */
const AT_END_PX = 32;

/** Room above the first message: for the "load earlier" button while there are earlier pages. */
const PADDING_TOP = 20;
const PADDING_TOP_WITH_EARLIER = 60;

type Row = { kind: "message"; message: Message; index: number } | { kind: "stream"; stream: StreamState };

function rowKey(row: Row | undefined): string | number {
  if (!row) return "missing";
  return row.kind === "message" ? row.message.id : `stream-${row.stream.generationId}`;
}

function rowHeight(row: Row | undefined): number {
  if (!row) return 0;
  return estimateMessageHeight(row.kind === "message" ? row.message.text : row.stream.text);
}

/**
 * The active path of the chat, greeting first, then the reply being streamed (if any). A swipe
 * streams in place of the message it replaces; a "continue" grows its message. Virtualized: only
 * the messages on screen are in the DOM; earlier pages are read as the reader scrolls up.
 */
export function MessageList() {
  const view = useAppState((s) => s.chatView);
  if (!view) {
    return (
      <div className="message-scroll">
        <p className="loading-hint">Loading chat…</p>
      </div>
    );
  }
  // A new virtualizer per chat: it opens at the end with fresh measurements.
  return <ChatRows key={view.chat.id} view={view} />;
}

function ChatRows({ view }: Readonly<{ view: ChatView }>) {
  const stream = useAppState(selectActiveStream);
  const userName = useAppState((s) => s.settings?.userName ?? "You");
  const loadingEarlier = useAppState((s) => s.loadingEarlier);
  const scrollRef = useRef<HTMLDivElement>(null);
  /** Messages being edited stay mounted wherever the reader scrolls, so no typed text is lost. */
  const [pinned, setPinned] = useState<ReadonlySet<number>>(new Set());

  const characterName = view.chat.characterName;
  // Group chats: each reply under the name of the character who wrote it.
  const memberNames = useMemo(
    () => new Map(view.members.map((m) => [m.characterId, m.name])),
    [view.members],
  );
  const writerName = (m: Message) =>
    (m.characterId == null ? undefined : memberNames.get(m.characterId)) ?? characterName;
  // Nothing is shown until the core accepted the call (a refused call leaves no trace), nor for a
  // generation known only from deltas until `started` or a snapshot says what it is and holds.
  const shown = stream && stream.knownSince !== null && stream.kind !== null ? stream : undefined;
  const plan = planDisplay(view.messages, shown);
  const pathLength = view.messages.length;
  const busy = stream !== undefined;
  const extension = plan.extendId !== null && shown ? shown.text : null;

  const rows = useMemo(() => {
    const list: Row[] = plan.messages.map((message, index) => ({ kind: "message", message, index }));
    if (shown && plan.bubble) list.push({ kind: "stream", stream: shown });
    return list;
  }, [plan.messages, plan.bubble, shown]);

  const pinnedIndexes = useMemo(
    () => rows.flatMap((row, i) => (row.kind === "message" && pinned.has(row.message.id) ? [i] : [])),
    [rows, pinned],
  );
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (pinnedIndexes.length === 0) return indexes;
      return [...new Set([...indexes, ...pinnedIndexes])].sort((a, b) => a - b);
    },
    [pinnedIndexes],
  );

  const virtualizer = useMessageVirtualizer({
    count: rows.length,
    scrollRef,
    getKey: (i) => rowKey(rows[i]),
    estimateSize: (i) => rowHeight(rows[i]),
    rangeExtractor,
    anchorToEnd: true,
    // The button is not a row: a reader at the very top stays on the message they saw when the
    // earlier page is put in front (the virtualizer anchors the row at the top of the view).
    paddingStart: view.hasEarlier ? PADDING_TOP_WITH_EARLIER : PADDING_TOP,
    paddingEnd: 8,
  });

  // The chat opens at its end.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the chat's rows mount
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
  }, []);

  // The virtualizer follows rows added at the end; a row replaced there (the streamed bubble by
  // the stored reply) is followed here, as is the reader's own message, wherever they had scrolled.
  const atEnd = useRef(true);
  const last = rows.at(-1);
  const lastKey = rowKey(last);
  const sentByReader = last?.kind === "message" && last.message.role === "user";
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the last row changes
  useLayoutEffect(() => {
    if (atEnd.current || sentByReader) virtualizer.scrollToEnd();
  }, [lastKey]);

  const onPin = useCallback((messageId: number, pin: boolean) => {
    setPinned((current) => {
      if (current.has(messageId) === pin) return current;
      const next = new Set(current);
      if (pin) next.add(messageId);
      else next.delete(messageId);
      return next;
    });
  }, []);

  const nearTop = () => {
    const el = scrollRef.current;
    return el !== null && el.scrollTop < el.clientHeight * EARLIER_WITHIN_SCREENS;
  };
  const chatId = view.chat.id;
  const canLoadEarlier = view.hasEarlier && !loadingEarlier;
  const items = virtualizer.getVirtualItems();

  return (
    <div
      className="message-scroll virtual-scroll-area"
      ref={scrollRef}
      data-testid="message-scroll"
      onScroll={(event) => {
        const el = event.currentTarget;
        atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < AT_END_PX;
        if (canLoadEarlier && nearTop()) void loadEarlier(chatId);
      }}
    >
      {view.hasEarlier ? (
        <button
          type="button"
          className="btn btn-small load-earlier"
          data-testid="load-earlier"
          disabled={loadingEarlier}
          onClick={() => void loadEarlier(chatId)}
        >
          {loadingEarlier ? "Loading earlier messages…" : "Load earlier messages"}
        </button>
      ) : null}
      <ol
        className="message-list message-list-virtual"
        data-testid="message-list"
        aria-label={`Chat with ${view.group ? view.members.map((m) => m.name).join(", ") : characterName}`}
        aria-busy={loadingEarlier || undefined}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const placement = placementOf(virtualizer, item, 0, rows.length);
          if (row.kind === "stream") {
            return (
              <MessageBubble
                key={item.key as string}
                author="character"
                status="streaming"
                name={view.group ? "…" : characterName}
                text={row.stream.text}
                row={placement}
              />
            );
          }
          const { message, index } = row;
          return (
            <ChatMessage
              key={message.id}
              message={message}
              characterName={writerName(message)}
              userName={userName}
              isLast={index === pathLength - 1}
              laterCount={pathLength - 1 - index}
              busy={busy}
              extension={message.id === plan.extendId ? extension : null}
              onPin={onPin}
              row={placement}
            />
          );
        })}
      </ol>
      {view.messages.length === 0 && !shown ? (
        <p className="empty-hint center">This chat is empty. Say something to {characterName}.</p>
      ) : null}
    </div>
  );
}

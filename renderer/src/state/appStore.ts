/**
 * Server-owned state mirrored in the renderer, plus the two selections everything hangs off
 * (selected character, active chat). Written only by `state/*Actions.ts` and the bridge event wiring.
 */
import type { EventTypes, TemplateInfo } from "../../../shared/api/contract";
import type { CharacterRecord, CharacterSummary } from "../../../shared/domain/card";
import type { ChatSummary, ChatView } from "../../../shared/domain/chat";
import type { CharacterSort, ImportProgress, ImportReport, TagCount } from "../../../shared/domain/library";
import type { ModelStatus } from "../../../shared/domain/model";
import type { Settings } from "../../../shared/domain/settings";
import type { ApiError } from "../../../shared/errors";
import { createStore, useStore } from "./createStore";
import { EMPTY_STREAMS, type StreamState, type StreamsState } from "./streams";

export type { StreamState } from "./streams";

/** An impersonation's result, waiting for the message box of its chat to take it. */
export interface ComposerDraft {
  chatId: number;
  text: string;
}

/** What the character list asks `characters.list` for. */
export interface LibraryQuery {
  search: string;
  tag: string | null;
  sort: CharacterSort;
}

/** An `import.*` event, as the import job keeps it. */
export type ImportEvent =
  | { kind: "progress"; payload: EventTypes["import.progress"] }
  | { kind: "done"; payload: EventTypes["import.done"] }
  | { kind: "error"; payload: EventTypes["import.error"] };

/** The one import that can run at a time, from the upload to the report the user dismisses. */
export interface ImportJob {
  fileName: string;
  /** Known once `import.start` answered. */
  importId: string | null;
  phase: "uploading" | "importing" | "finished";
  progress: ImportProgress | null;
  report: ImportReport | null;
  error: ApiError | null;
  /** The user asked to cancel; the core still sends a (cancelled) report or an error. */
  cancelling: boolean;
  /** Events that came before `import.start` answered with the id (at most a few). */
  early: readonly ImportEvent[];
  /** Cancels the upload (browser mode) while it runs. */
  uploadAbort: AbortController | null;
}

export type MainView = "chat" | "profile";

export interface AppState {
  /** The characters matching `libraryQuery`, in its order. */
  characters: CharacterSummary[];
  /** Counts `characters.list` requests: only the answer to the latest one is shown. */
  characterListTicket: number;
  /** Avatars as data: URLs (null: none), by `id:version`, fetched once and shared by every view. */
  avatars: Readonly<Record<string, Promise<string | null>>>;
  charactersLoaded: boolean;
  libraryQuery: LibraryQuery;
  /** Every tag with its number of characters, most used first. */
  tags: TagCount[];
  selectedCharacterId: number | null;
  /** The selected character's whole card (its page and editor); null while loading. */
  selectedRecord: CharacterRecord | null;
  /** The main area shows the chat or the selected character's page. */
  mainView: MainView;
  importJob: ImportJob | null;
  /** Chats of the selected character, most recent first. */
  chats: ChatSummary[];
  chatsLoaded: boolean;
  activeChatId: number | null;
  /** The active chat as last fetched (and patched by events); null while loading. */
  chatView: ChatView | null;
  /**
   * Counts the requests for `chatView`: an answer applies only while its number is the latest, so
   * a slow read never overwrites what a later one (or a view returned by an action) showed.
   */
  viewTicket: number;
  /** An earlier page of the active chat is being read. */
  loadingEarlier: boolean;
  /** Replies, swipes, continues and drafts being generated (see `streams.ts`). */
  streams: StreamsState;
  composerDraft: ComposerDraft | null;
  /** Prompt templates for the pickers (loaded on first use). */
  templates: TemplateInfo[] | null;
  /** A `chats.send` call is in flight. */
  sending: boolean;
  /** The last error of the chat view (send, abort, generation). */
  chatError: ApiError | null;
  /** Errors not tied to one panel (start-up, character list, chat list). */
  appError: ApiError | null;
  modelStatus: ModelStatus | null;
  settings: Settings | null;
}

export const appStore = createStore<AppState>({
  characters: [],
  characterListTicket: 0,
  avatars: {},
  charactersLoaded: false,
  libraryQuery: { search: "", tag: null, sort: "name" },
  tags: [],
  selectedCharacterId: null,
  selectedRecord: null,
  mainView: "chat",
  importJob: null,
  chats: [],
  chatsLoaded: false,
  activeChatId: null,
  chatView: null,
  viewTicket: 0,
  loadingEarlier: false,
  streams: EMPTY_STREAMS,
  composerDraft: null,
  templates: null,
  sending: false,
  chatError: null,
  appError: null,
  modelStatus: null,
  settings: null,
});

export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

/** The reply streaming in the active chat, if any. */
export function selectActiveStream(state: AppState): StreamState | undefined {
  if (state.activeChatId === null) return undefined;
  for (const stream of Object.values(state.streams.byId)) {
    if (stream.chatId === state.activeChatId) return stream;
  }
  return undefined;
}

/**
 * The selected character's name. The list may be filtered so that it no longer holds the selection,
 * so the loaded card is the fallback.
 */
export function selectSelectedName(state: AppState): string | null {
  if (state.selectedCharacterId === null) return null;
  const summary = state.characters.find((c) => c.id === state.selectedCharacterId);
  if (summary) return summary.name;
  return state.selectedRecord?.id === state.selectedCharacterId ? state.selectedRecord.data.name : null;
}

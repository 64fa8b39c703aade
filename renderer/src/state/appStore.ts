/**
 * Server-owned state mirrored in the renderer, plus the two selections everything hangs off
 * (selected character, active chat). Written only by `state/*Actions.ts` and the bridge event wiring.
 */
import type { CharacterSummary } from "../../../shared/domain/card";
import type { ChatSummary, ChatView } from "../../../shared/domain/chat";
import type { ModelStatus } from "../../../shared/domain/model";
import type { Settings } from "../../../shared/domain/settings";
import type { ApiError } from "../../../shared/errors";
import { createStore, useStore } from "./createStore";

/** A reply being generated, assembled from `generation.*` events (and `pendingGeneration` after a reload). */
export interface StreamState {
  generationId: string;
  chatId: number;
  text: string;
  /** True once the text is known from its first token (we saw `generation.started` or merged a snapshot). */
  complete: boolean;
  /** Creation order, to tell which streams a later `chats.get` snapshot can vouch for. */
  seq: number;
}

export interface AppState {
  characters: CharacterSummary[];
  charactersLoaded: boolean;
  selectedCharacterId: number | null;
  /** Chats of the selected character, most recent first. */
  chats: ChatSummary[];
  chatsLoaded: boolean;
  activeChatId: number | null;
  /** The active chat as last fetched (and patched by events); null while loading. */
  chatView: ChatView | null;
  streams: Record<string, StreamState>;
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
  charactersLoaded: false,
  selectedCharacterId: null,
  chats: [],
  chatsLoaded: false,
  activeChatId: null,
  chatView: null,
  streams: {},
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
  for (const stream of Object.values(state.streams)) {
    if (stream.chatId === state.activeChatId) return stream;
  }
  return undefined;
}

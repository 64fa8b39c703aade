/** Characters, settings and the model: start-up loading and the calls behind the sidebar and settings panel. */
import type { RequestOf } from "../../../shared/api/contract";
import type { CharacterRecord } from "../../../shared/domain/card";
import type { ModelStatus } from "../../../shared/domain/model";
import type { Settings, SettingsPatch } from "../../../shared/domain/settings";
import { type ApiError, toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { appStore, type LibraryQuery } from "./appStore";
import { loadChats, openChat } from "./chatActions";

function reportAppError(error: unknown): void {
  const apiError: ApiError = toApiError(error);
  // Start-up calls often fail for the same reason (no token, server down): show it once.
  appStore.set((s) => (s.appError?.code === apiError.code ? {} : { appError: apiError }));
}

/** Loads the characters matching the current query; a slower, older answer never replaces a newer one. */
export async function loadCharacters(): Promise<void> {
  const ticket = appStore.get().characterListTicket + 1;
  appStore.set({ characterListTicket: ticket });
  const { search, tag, sort } = appStore.get().libraryQuery;
  try {
    const characters = await api.call("characters.list", {
      ...(search.trim() ? { search: search.trim() } : {}),
      ...(tag ? { tag } : {}),
      sort,
    });
    if (ticket === appStore.get().characterListTicket) appStore.set({ characters, charactersLoaded: true });
  } catch (error) {
    if (ticket !== appStore.get().characterListTicket) return;
    appStore.set({ charactersLoaded: true });
    reportAppError(error);
  }
}

export async function loadTags(): Promise<void> {
  try {
    appStore.set({ tags: await api.call("characters.tags", {}) });
  } catch (error) {
    reportAppError(error);
  }
}

/** The list and the tag counts after the library changed (import, edit, delete). */
export async function refreshLibrary(): Promise<void> {
  await Promise.all([loadCharacters(), loadTags()]);
}

export function setLibraryQuery(patch: Partial<LibraryQuery>): void {
  appStore.set((s) => ({ libraryQuery: { ...s.libraryQuery, ...patch } }));
  void loadCharacters();
}

/** Loads the selected character's whole card (its page and editor). */
export async function loadSelectedRecord(characterId: number): Promise<void> {
  try {
    const record = await api.call("characters.get", { id: characterId });
    if (appStore.get().selectedCharacterId === characterId) appStore.set({ selectedRecord: record });
  } catch (error) {
    if (appStore.get().selectedCharacterId === characterId) reportAppError(error);
  }
}

/**
 * Selects a character and shows its chats. It opens the most recent chat, or the character's page
 * when there is no chat yet.
 */
export async function selectCharacter(characterId: number): Promise<void> {
  if (appStore.get().selectedCharacterId === characterId) return;
  appStore.set({
    selectedCharacterId: characterId,
    selectedRecord: null,
    mainView: "chat",
    chats: [],
    chatsLoaded: false,
    activeChatId: null,
    chatView: null,
    chatError: null,
  });
  void loadSelectedRecord(characterId);
  const chats = await loadChats(characterId);
  const state = appStore.get();
  if (state.selectedCharacterId !== characterId || state.activeChatId !== null) return;
  const recent = chats?.[0];
  if (recent) openChat(recent.id);
  else if (chats) appStore.set({ mainView: "profile" });
}

/** Creates a character and selects it. Rejects with the core's error so the form can show it. */
export async function createCharacter(input: RequestOf<"characters.create">): Promise<CharacterRecord> {
  const record = await api.call("characters.create", input);
  await refreshLibrary();
  await selectCharacter(record.id);
  return record;
}

export async function loadSettings(): Promise<void> {
  try {
    appStore.set({ settings: await api.call("settings.get", {}) });
  } catch (error) {
    reportAppError(error);
  }
}

/** Saves a settings patch. Rejects with the core's error (e.g. INVALID_INPUT naming the field). */
export async function saveSettings(patch: SettingsPatch): Promise<Settings> {
  const settings = await api.call("settings.update", patch);
  appStore.set({ settings });
  return settings;
}

export async function refreshModelStatus(): Promise<void> {
  try {
    appStore.set({ modelStatus: await api.call("model.status", {}) });
  } catch (error) {
    reportAppError(error);
  }
}

/** Loads a model file. Shows "loading" at once; rejects with the core's error (the status then says why). */
export async function loadModel(path: string): Promise<ModelStatus> {
  appStore.set((s) => ({
    modelStatus: {
      state: "loading",
      path,
      info: null,
      error: null,
      threads: s.modelStatus?.threads ?? null,
      contextSize: s.modelStatus?.contextSize ?? null,
    },
  }));
  try {
    const status = await api.call("model.load", { path });
    appStore.set({ modelStatus: status });
    return status;
  } catch (error) {
    void refreshModelStatus();
    throw error;
  }
}

export function dismissAppError(): void {
  appStore.set({ appError: null });
}

export async function bootstrap(): Promise<void> {
  await Promise.all([loadCharacters(), loadTags(), loadSettings(), refreshModelStatus()]);
}

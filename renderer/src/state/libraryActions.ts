/** Characters, settings and the model: start-up loading and the calls behind the sidebar and settings panel. */
import type { RequestOf } from "../../../shared/api/contract";
import type { CharacterRecord } from "../../../shared/domain/card";
import type { ModelStatus } from "../../../shared/domain/model";
import type { Settings, SettingsPatch } from "../../../shared/domain/settings";
import { type ApiError, toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { appStore } from "./appStore";
import { loadChats, openChat } from "./chatActions";

function reportAppError(error: unknown): void {
  const apiError: ApiError = toApiError(error);
  // Start-up calls often fail for the same reason (no token, server down): show it once.
  appStore.set((s) => (s.appError?.code === apiError.code ? {} : { appError: apiError }));
}

export async function loadCharacters(): Promise<void> {
  try {
    const characters = await api.call("characters.list", {});
    appStore.set({ characters, charactersLoaded: true });
  } catch (error) {
    appStore.set({ charactersLoaded: true });
    reportAppError(error);
  }
}

/** Selects a character, shows its chats and opens the most recent one (if it has any). */
export async function selectCharacter(characterId: number): Promise<void> {
  if (appStore.get().selectedCharacterId === characterId) return;
  appStore.set({
    selectedCharacterId: characterId,
    chats: [],
    chatsLoaded: false,
    activeChatId: null,
    chatView: null,
    chatError: null,
  });
  const chats = await loadChats(characterId);
  const state = appStore.get();
  const recent = chats?.[0];
  if (recent && state.selectedCharacterId === characterId && state.activeChatId === null) openChat(recent.id);
}

/** Creates a character and selects it. Rejects with the core's error so the form can show it. */
export async function createCharacter(input: RequestOf<"characters.create">): Promise<CharacterRecord> {
  const record = await api.call("characters.create", input);
  await loadCharacters();
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
  await Promise.all([loadCharacters(), loadSettings(), refreshModelStatus()]);
}

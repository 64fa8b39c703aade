/** The character page: its view, edits, deletion, export and avatars. */
import type { CardDataPatch } from "../../../shared/api/contract";
import type { CharacterRecord } from "../../../shared/domain/card";
import type { CardExportFormat, ExportedFile } from "../../../shared/domain/library";
import { api } from "../bridge";
import { appStore, type MainView } from "./appStore";
import { refreshLibrary } from "./libraryActions";

export function showMainView(mainView: MainView): void {
  appStore.set({ mainView });
}

/** Saves edited card fields. Rejects with the core's error (INVALID_INPUT names the field) so the editor keeps its text. */
export async function updateCharacter(id: number, data: CardDataPatch): Promise<CharacterRecord> {
  const record = await api.call("characters.update", { id, data });
  forgetAvatar(id);
  if (appStore.get().selectedCharacterId === id) appStore.set({ selectedRecord: record });
  void refreshLibrary();
  return record;
}

/** Deletes a character (its chats and reference sessions go with it) and clears the selection if it was selected. */
export async function deleteCharacter(id: number): Promise<void> {
  await api.call("characters.delete", { id });
  forgetAvatar(id);
  appStore.set((s) =>
    s.selectedCharacterId === id
      ? {
          selectedCharacterId: null,
          selectedRecord: null,
          mainView: "chat",
          chats: [],
          chatsLoaded: false,
          activeChatId: null,
          chatView: null,
          chatError: null,
          characters: s.characters.filter((c) => c.id !== id),
        }
      : { characters: s.characters.filter((c) => c.id !== id) },
  );
  await refreshLibrary();
}

export function exportCharacter(id: number, format: CardExportFormat): Promise<ExportedFile> {
  return api.call("characters.export", { id, format });
}

/** A character's avatar as a data: URL, fetched once per character version and shared by every view. */
export function avatarUrl(id: number, version: number): Promise<string | null> {
  const key = `${id}:${version}`;
  const known = appStore.get().avatars[key];
  if (known) return known;
  const pending = api
    .call("characters.avatar", { id })
    .then((image) => (image ? `data:${image.mimeType};base64,${image.dataBase64}` : null))
    .catch(() => null);
  appStore.set((s) => ({ avatars: { ...s.avatars, [key]: pending } }));
  return pending;
}

function forgetAvatar(id: number): void {
  appStore.set((s) => ({
    avatars: Object.fromEntries(Object.entries(s.avatars).filter(([key]) => !key.startsWith(`${id}:`))),
  }));
}

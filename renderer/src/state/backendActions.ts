/**
 * Remote backends: the list (never a key), add, test, switch, remove. The list lives in a small
 * store of its own so the settings section and the header switch show the same thing.
 */
import type { RequestOf } from "../../../shared/api/contract";
import type { BackendInfo, BackendTestResult } from "../../../shared/domain/backend";
import { toApiError } from "../../../shared/errors";
import { api } from "../bridge";
import { appStore } from "./appStore";
import { createStore, useStore } from "./createStore";
import { refreshModelStatus } from "./libraryActions";

interface BackendState {
  backends: BackendInfo[];
  /** The last test of each backend, by name. */
  tests: Record<string, BackendTestResult>;
}

const backendStore = createStore<BackendState>({ backends: [], tests: {} });

export function useBackends<T>(selector: (state: BackendState) => T): T {
  return useStore(backendStore, selector);
}

/** Shows a failed backend call in the app's error banner. */
export function reportBackendError(error: unknown): void {
  appStore.set({ appError: toApiError(error) });
}

export async function refreshBackends(): Promise<BackendInfo[]> {
  const backends = await api.call("backends.list", {});
  backendStore.set({ backends });
  return backends;
}

/** Adds (or replaces) a backend; rejects with the core's error (a bad URL names the rule). */
export async function addBackend(input: RequestOf<"backends.add">): Promise<BackendInfo> {
  const added = await api.call("backends.add", input);
  await refreshBackends();
  return added;
}

/** Connects and records what the server serves (model, context size) or why it failed. */
export async function testBackend(name: string): Promise<BackendTestResult> {
  const result = await api.call("backends.test", { name });
  backendStore.set((s) => ({ tests: { ...s.tests, [name]: result } }));
  return result;
}

/** Makes `name` (or "local") the backend every generation uses. */
export async function switchBackend(name: string): Promise<void> {
  await api.call("backends.use", { name });
  await Promise.all([refreshBackends(), refreshModelStatus()]);
}

export async function removeBackend(name: string): Promise<void> {
  await api.call("backends.remove", { name });
  backendStore.set((s) => {
    const { [name]: _dropped, ...tests } = s.tests;
    return { tests };
  });
  await Promise.all([refreshBackends(), refreshModelStatus()]);
}

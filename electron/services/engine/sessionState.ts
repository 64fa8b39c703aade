/**
 * Puts a chat's saved KV state into a fresh sequence, and saves it after a generation. Loading is
 * attempted only for a state whose fingerprint matches and whose file checks out (see
 * KvStateStore), and only when it shares a prefix with the prompt; whatever goes wrong, the
 * sequence is left empty and the prompt is evaluated in full.
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import type { KvStateStore, StateFingerprint } from "../../storage/kvStateStore";

/** Loads the chat's state when usable; returns how many of its tokens the prompt can keep (0: none loaded). */
export async function restoreSequence(
  store: KvStateStore,
  sequence: LlamaContextSequence,
  chatId: string,
  fingerprint: StateFingerprint,
  prompt: readonly Token[],
  warn: (line: string) => void,
): Promise<number> {
  const found = await store.find(chatId, fingerprint);
  if (found.state !== "usable") return 0;
  const saved = found.metadata.tokens;
  // The last prompt token is always evaluated again; a state sharing nothing before it is useless.
  const common = commonPrefix(saved, prompt.slice(0, -1));
  if (common === 0 || saved.length > sequence.contextSize) return 0;
  try {
    await sequence.loadStateFromFile(found.path, { acceptRisk: true });
  } catch (error) {
    warn(`The saved KV state of chat ${chatId} could not be loaded: ${(error as Error).message}`);
    await sequence.clearHistory().catch(() => undefined);
    await store.drop(chatId).catch(() => undefined);
    return 0;
  }
  if (
    commonPrefix(sequence.contextTokens, saved) !== saved.length ||
    sequence.contextTokens.length !== saved.length
  ) {
    warn(`The saved KV state of chat ${chatId} holds other tokens than its metadata; it was discarded.`);
    await sequence.clearHistory();
    await store.drop(chatId).catch(() => undefined);
    return 0;
  }
  await store.touch(found.metadata);
  return common;
}

export async function saveSequence(
  store: KvStateStore,
  sequence: LlamaContextSequence,
  chatId: string,
  fingerprint: StateFingerprint,
): Promise<void> {
  if (sequence.disposed || sequence.contextTokens.length === 0) return;
  await store.save(chatId, fingerprint, sequence.contextTokens, async (temp) => {
    await sequence.saveStateToFile(temp);
  });
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

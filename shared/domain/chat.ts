/**
 * Chats are trees of messages: every message has a parent (the greeting has none), siblings are
 * alternatives (swipes), and a chat remembers its active leaf. The active path is the chain of
 * parents from that leaf to the root.
 */
export type MessageRole = "user" | "character";

/** How a reply ended. `aborted` replies keep their partial text. */
export type StopReason = "eos" | "stop-string" | "max-tokens" | "aborted" | "error";

export type MessageStatus = "complete" | "stopped";

export interface GenerationStats {
  /** Tokens in the prompt sent to the model for this reply. */
  promptTokens: number;
  /** Prompt tokens that had to be evaluated (not reused from the KV cache). */
  evaluatedTokens: number;
  generatedTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
}

export interface GenerationProvenance {
  modelFile: string;
  modelSize: number;
  template: string;
  threads: number;
  contextSize: number;
  sampler: Record<string, number>;
  seed: number | null;
  droppedMessages: number;
}

export interface Message {
  id: number;
  chatId: number;
  parentId: number | null;
  role: MessageRole;
  text: string;
  status: MessageStatus;
  stopReason: StopReason | null;
  stats: GenerationStats | null;
  provenance: GenerationProvenance | null;
  createdAt: number;
  /** Position among siblings (0-based) and how many siblings exist, for swipe navigation. */
  siblingIndex: number;
  siblingCount: number;
}

export interface ChatSummary {
  id: number;
  characterId: number;
  characterName: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
}

export interface ChatView {
  chat: ChatSummary;
  activeLeafId: number | null;
  /** Messages on the active path, root first. */
  messages: Message[];
  /** A reply being generated right now for this chat, if any (lets a reloaded window resume). */
  pendingGeneration: PendingGeneration | null;
}

export interface PendingGeneration {
  generationId: string;
  parentId: number;
  text: string;
}

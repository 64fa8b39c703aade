/**
 * Chats are trees of messages: every message has a parent (the greeting has none), siblings are
 * alternatives (swipes), and a chat remembers its active leaf. The active path is the chain of
 * parents from that leaf to the root.
 */
import type { ChatMember, SpeakerOrder } from "./group";

export type MessageRole = "user" | "character";

/**
 * How a reply ended. `aborted` replies keep their partial text; `interrupted` ones were cut short
 * by the app's process ending (a crash, `kill -9`) and hold what had been saved while streaming.
 */
export type StopReason = "eos" | "stop-string" | "max-tokens" | "aborted" | "error" | "interrupted";

export type MessageStatus = "complete" | "stopped";

export interface GenerationStats {
  /** Tokens in the prompt sent to the model for this reply. */
  promptTokens: number;
  /** Prompt tokens that had to be evaluated (not reused from the KV cache). */
  evaluatedTokens: number;
  /** Prompt tokens that came from a KV state saved on disk (a chat resumed after a restart). */
  restoredTokens?: number;
  generatedTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
}

/** Everything needed to know how a reply (swipe) was produced. */
export interface GenerationProvenance {
  /** Which backend produced the reply: "local" or a remote backend's name (absent in older chats: local). */
  backend?: string;
  /** The model file, or for a remote backend the model the server named. */
  modelFile: string;
  modelSize: number;
  modelHash: string;
  template: string;
  threads: number;
  contextSize: number;
  sampler: Record<string, number>;
  seed: number | null;
  droppedMessages: number;
  /** Prompt tokens taken from the KV cache instead of being evaluated. */
  reusedTokens?: number;
  /** Sampler settings the backend does not take, so they did not shape this reply. */
  ignoredSamplers?: string[];
  /** LoRA adapters on the model, in order. */
  lora?: { fileName: string; sha256: string; scale: number }[];
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
  /** Set when the user edited the text. */
  editedAt: number | null;
  /** Position among siblings (0-based) and how many siblings exist, for swipe navigation. */
  siblingIndex: number;
  siblingCount: number;
  /**
   * The character who wrote a character message (null: a user message, or an older message of the
   * chat's character). Always present in what the core returns.
   */
  characterId?: number | null;
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

/** Per-chat prompt choices; absent values follow the model and the app settings. */
export interface ChatOptions {
  templateId?: string;
  examplesMode?: "push" | "keep" | "strip";
  /** Group chats: who answers when the user picks nobody (default "natural"). */
  speakerOrder?: SpeakerOrder;
  /** LoRA adapters of the library for this chat (replaces the global set; [] = none). */
  lora?: { adapterId: number; scale: number }[];
}

export interface ChatView {
  chat: ChatSummary;
  options: ChatOptions;
  activeLeafId: number | null;
  /** Messages on the active path, root first (the last `limit` of them when asked for a page). */
  messages: Message[];
  /** Messages of the active path before the first one in `messages` (load them with `chats.messages`). */
  hasEarlier: boolean;
  /** A reply being generated right now for this chat, if any (lets a reloaded window resume). */
  pendingGeneration: PendingGeneration | null;
  /** The chat's characters in their order (one for a one-to-one chat). */
  members: ChatMember[];
  /** Two or more characters (or created as a group). */
  group: boolean;
}

export type GenerationKind = "reply" | "swipe" | "continue" | "impersonate";

export interface PendingGeneration {
  generationId: string;
  kind: GenerationKind;
  /** The message the reply will hang under (null for a new greeting). */
  parentId: number | null;
  /** For "continue": the message being extended. */
  messageId: number | null;
  /** The text generated so far: exactly the text after event `seq` of the generation protocol. */
  text: string;
  seq: number;
}

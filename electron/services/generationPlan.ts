/**
 * What a generation will do, decided before anything is stored: the prompt fitted into the
 * budget (a prompt that cannot fit throws CONTEXT_OVERFLOW here), the sampler, the seed, and the
 * provenance its reply will carry.
 */
import { randomInt } from "node:crypto";
import { basename } from "node:path";
import type { GenerationOptions } from "../../shared/api/contract";
import { LOCAL_BACKEND } from "../../shared/domain/backend";
import type { GenerationKind, GenerationProvenance, Message } from "../../shared/domain/chat";
import { SAMPLER_KEYS, type Settings } from "../../shared/domain/settings";
import type { AssembleMode, PromptCharacter, PromptMessage } from "../../shared/prompt/assemble";
import { groupCharacter } from "../../shared/prompt/group";
import type { SpeakerChoice } from "../../shared/prompt/speaker";
import type { CharacterRepository } from "../storage/characterRepository";
import type { ChatRepository } from "../storage/chatRepository";
import type { SettingsStore } from "../storage/settingsStore";
import { type ChatLoreServices, chatLoreContext } from "./chatLoreContext";
import type { Engine, SamplerSettings } from "./engine/engine";
import type { GroupService } from "./groupService";
import { type BuiltPrompt, buildPrompt } from "./promptBuilder";

export interface Plan {
  chatId: number;
  kind: GenerationKind;
  /** The message the reply hangs under (null for a new greeting). */
  parentId: number | null;
  /** The message a "continue" extends. */
  target: Message | null;
  /** The character who writes the reply (for impersonate: the one the user answers). */
  characterId: number;
  /** Why that character speaks (group chats). */
  speakerReason: string;
  prompt: BuiltPrompt;
  maxTokens: number;
  seed: number;
  sampler: SamplerSettings;
  /** LoRA adapters on the model for this generation, in order. */
  lora: PlannedAdapter[];
}

export interface PlannedAdapter {
  path: string;
  fileName: string;
  sha256: string;
  scale: number;
}

/** Thrown by `plan` during a rehearsal, once the prompt is assembled and before anything is stored. */
class RehearsalDone extends Error {}

export class GenerationPlanner {
  private rehearsing = false;

  constructor(
    private readonly chats: ChatRepository,
    private readonly characters: CharacterRepository,
    private readonly settings: SettingsStore,
    private readonly engine: Engine,
    /** Personas, lore and notes (none: bare prompts) and group chats (none: one character each). */
    private readonly extras: { lore?: ChatLoreServices; groups?: GroupService } = {},
  ) {}

  /**
   * Runs `work` (a generating call's synchronous part) only up to its prompt assembly: `plan`
   * stops it there, so nothing is stored. Engines that count tokens remotely use this to learn
   * which texts the real assembly will count (see engine/remote/tokenCounts.ts). Any error of the
   * rehearsal is the real run's to report.
   */
  rehearse(work: () => unknown): void {
    this.rehearsing = true;
    try {
      work();
    } catch {
      // RehearsalDone, or an error (e.g. CONTEXT_OVERFLOW on estimates) the real run will meet again.
    } finally {
      this.rehearsing = false;
    }
  }

  /** The active path up to `leafId` as the prompt sees it (in group chats, each reply names its writer). */
  history(chatId: number, leafId: number | null): PromptMessage[] {
    if (leafId === null) return [];
    const group = this.extras.groups?.isGroup(chatId) ?? false;
    const fallback = group ? this.chats.getChat(chatId).characterId : null;
    const names = new Map<number, string>();
    const nameOf = (id: number) => {
      if (!names.has(id)) names.set(id, this.characters.get(id).data.name);
      return names.get(id) as string;
    };
    return this.chats.activePath(chatId, leafId).map((m) => {
      const message: PromptMessage = {
        id: m.id,
        role: m.role,
        text: m.text,
        generated: m.role === "character" && m.stats !== null && m.editedAt === null,
      };
      if (group && m.role === "character") message.speaker = nameOf(m.characterId ?? (fallback as number));
      return message;
    });
  }

  /**
   * Who writes the next reply: `as` if given, else the chat's speaking order applied to the last
   * message of `history` (a one-to-one chat's character always).
   */
  speaker(chatId: number, history: readonly PromptMessage[], as?: number, seed?: number): SpeakerChoice {
    const chat = this.chats.getChat(chatId);
    if (!this.extras.groups) return { speakerId: chat.characterId, reason: "the chat's character" };
    const last = history.at(-1);
    const writer = (m: PromptMessage) =>
      (m.id > 0 ? this.chats.getMessage(m.id).characterId : null) ?? chat.characterId;
    const lastCharacter = history.findLast((m) => m.role === "character");
    return this.extras.groups.speaker(
      chatId,
      last ? { text: last.text, speakerId: last.role === "user" ? null : writer(last) } : null,
      lastCharacter ? writer(lastCharacter) : null,
      as,
      seed ?? chatId * 7919 + history.length,
    );
  }

  /** The prompt character for `speakerId`: its card, or in a group chat every member's card. */
  private promptCharacter(
    chatId: number,
    speakerId: number,
  ): { card: PromptCharacter; groupNames?: string[] } {
    const speaker = this.characters.get(speakerId).data;
    const groups = this.extras.groups;
    if (!groups?.isGroup(chatId)) return { card: speaker };
    const members = groups.list(chatId).map((m) => this.characters.get(m.characterId).data);
    return { card: groupCharacter(members, speaker), groupNames: members.map((m) => m.name) };
  }

  plan(
    chatId: number,
    kind: GenerationKind,
    history: PromptMessage[],
    mode: AssembleMode,
    options: GenerationOptions,
    placement: { parentId: number | null; target?: Message | null; speaker?: SpeakerChoice },
    lora: PlannedAdapter[] = [],
  ): Plan {
    const settings = this.settings.getAll();
    const maxTokens = options.maxTokens ?? settings.maxTokens;
    const speaker = placement.speaker ?? this.speaker(chatId, history);
    const character = this.promptCharacter(chatId, speaker.speakerId);
    const prompt = buildPrompt(this.engine, {
      ...character,
      chatId,
      ...(this.extras.lore ? { lore: chatLoreContext(this.extras.lore, chatId, settings) } : {}),
      settings,
      options: this.chats.options(chatId),
      history,
      mode,
      maxTokens,
    });
    if (this.rehearsing) throw new RehearsalDone();
    return {
      chatId,
      kind,
      parentId: placement.parentId,
      target: placement.target ?? null,
      characterId: speaker.speakerId,
      speakerReason: speaker.reason,
      prompt,
      maxTokens,
      seed: options.seed ?? randomInt(0, 2 ** 31),
      sampler: samplerFrom(settings, options.temperature),
      lora,
    };
  }

  /** How the reply is produced (the model loaded now, the template, the sampler, the seed). */
  provenance(plan: Plan, reusedTokens?: number): GenerationProvenance {
    const loaded = this.engine.loaded();
    const remote = this.engine.remote?.() ?? null;
    return {
      backend: remote?.name ?? LOCAL_BACKEND,
      // A remote model is named by the server ("org/model" is a name, not a path).
      modelFile: loaded ? (remote ? loaded.path : basename(loaded.path)) : "",
      modelSize: loaded?.sizeBytes ?? 0,
      modelHash: loaded?.contentHash ?? "",
      template: plan.prompt.resolved.template.id,
      threads: loaded?.threads ?? 0,
      contextSize: loaded?.contextSize ?? 0,
      sampler: { ...plan.sampler, maxTokens: plan.maxTokens },
      seed: plan.seed,
      droppedMessages: plan.prompt.droppedMessageIds.length,
      ...(reusedTokens === undefined ? {} : { reusedTokens }),
      ...(remote && remote.ignoredSamplers.length > 0 ? { ignoredSamplers: remote.ignoredSamplers } : {}),
      ...(plan.lora.length > 0
        ? { lora: plan.lora.map(({ fileName, sha256, scale }) => ({ fileName, sha256, scale })) }
        : {}),
    };
  }
}

function samplerFrom(settings: Settings, temperature: number | undefined): SamplerSettings {
  const values = Object.fromEntries(SAMPLER_KEYS.map((k) => [k, settings[k]])) as unknown as SamplerSettings;
  return temperature === undefined ? values : { ...values, temperature };
}

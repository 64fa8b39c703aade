/**
 * Who speaks next in a group chat, a pure function. "natural": the characters named in the last
 * message first (in the order they are named), then each other character by its talkativeness
 * (rolled from the seed), and if nobody is chosen, one drawn with talkativeness as weight.
 * "list": the fixed order, starting after whoever spoke last. "manual": the one the user picked.
 * Muted characters are never chosen; a character does not answer itself unless allowed.
 */
import { MasqueError } from "../errors";
import { seededStream } from "./random";

export interface GroupMember {
  id: number;
  name: string;
  /** 0..1, SillyTavern's card extension `talkativeness` (default 0.5). */
  talkativeness: number;
  muted: boolean;
}

export type SpeakerStrategy =
  | { kind: "natural" }
  | { kind: "list"; order: readonly number[] }
  | { kind: "manual"; speakerId: number };

export interface SpeakerInput {
  members: readonly GroupMember[];
  strategy: SpeakerStrategy;
  /** The last message and who wrote it (null: the user). */
  lastMessage: { text: string; speakerId: number | null } | null;
  seed: number;
  allowSelfResponses?: boolean;
}

export interface SpeakerChoice {
  speakerId: number;
  reason: string;
}

export const DEFAULT_TALKATIVENESS = 0.5;

/** A card's talkativeness (SillyTavern writes it as a string or a number), clamped to 0..1. */
export function talkativenessOf(extensions: Record<string, unknown>): number {
  const raw = extensions.talkativeness;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() ? Number(raw) : Number.NaN;
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : DEFAULT_TALKATIVENESS;
}

/** The speakers in the order they should answer; the first one speaks next. */
export function chooseSpeakers(input: SpeakerInput): SpeakerChoice[] {
  switch (input.strategy.kind) {
    case "manual":
      return [manual(input.members, input.strategy.speakerId)];
    case "list":
      return listOrder(input.members, input.strategy.order, input.lastMessage?.speakerId ?? null);
    case "natural":
      return naturalOrder(input);
  }
}

function manual(members: readonly GroupMember[], speakerId: number): SpeakerChoice {
  const member = members.find((m) => m.id === speakerId);
  if (!member) throw new MasqueError("INVALID_INPUT", `character ${speakerId} is not in this group chat`);
  if (member.muted) throw new MasqueError("INVALID_INPUT", `${member.name} is muted in this group chat`);
  return { speakerId, reason: "chosen by the user" };
}

function listOrder(
  members: readonly GroupMember[],
  order: readonly number[],
  lastSpeaker: number | null,
): SpeakerChoice[] {
  const unmuted = new Set(members.filter((m) => !m.muted).map((m) => m.id));
  const listed = order.filter((id, i) => unmuted.has(id) && order.indexOf(id) === i);
  const last = lastSpeaker === null ? -1 : listed.indexOf(lastSpeaker);
  const rotated = [...listed.slice(last + 1), ...listed.slice(0, last + 1)];
  return rotated.map((speakerId) => ({ speakerId, reason: "next in the list" }));
}

function naturalOrder(input: SpeakerInput): SpeakerChoice[] {
  const lastSpeaker = input.lastMessage?.speakerId ?? null;
  const unmuted = input.members.filter((m) => !m.muted);
  const others = unmuted.filter((m) => input.allowSelfResponses || m.id !== lastSpeaker);
  const eligible = others.length > 0 ? others : unmuted;
  const chosen: SpeakerChoice[] = mentioned(eligible, input.lastMessage?.text ?? "").map((m) => ({
    speakerId: m.id,
    reason: "named in the last message",
  }));
  const random = seededStream(input.seed);
  for (const member of shuffled(eligible, random)) {
    if (chosen.some((c) => c.speakerId === member.id)) continue;
    const roll = random();
    if (roll < member.talkativeness) {
      chosen.push({
        speakerId: member.id,
        reason: `talkativeness ${member.talkativeness} (rolled ${roll.toFixed(2)})`,
      });
    }
  }
  if (chosen.length === 0 && eligible.length > 0) {
    const pick = weightedPick(eligible, random());
    chosen.push({ speakerId: pick.id, reason: "drawn by talkativeness (nobody else was chosen)" });
  }
  return chosen;
}

/** Members any word of whose name the text contains as a whole word, in order of first mention. */
function mentioned(members: readonly GroupMember[], text: string): GroupMember[] {
  const firstMention = (member: GroupMember) => {
    const positions = member.name
      .split(/\s+/)
      .filter((word) => word.length > 1)
      .map((word) => {
        const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        return text.search(new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, "iu"));
      })
      .filter((at) => at >= 0);
    return positions.length > 0 ? Math.min(...positions) : -1;
  };
  return members
    .map((member) => ({ member, at: firstMention(member) }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((m) => m.member);
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function weightedPick(members: readonly GroupMember[], roll: number): GroupMember {
  const total = members.reduce((s, m) => s + m.talkativeness, 0);
  if (total <= 0) return members[Math.floor(roll * members.length)] as GroupMember;
  let left = roll * total;
  for (const member of members) {
    left -= member.talkativeness;
    if (left < 0) return member;
  }
  return members.at(-1) as GroupMember;
}

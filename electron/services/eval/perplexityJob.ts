/**
 * One in-character (or plain-text) perplexity evaluation on the loaded model: plan every selected
 * conversation (prompt pieces as chat assembles them → one growing scoring sequence per session),
 * hash the exact token inputs so runs on the same data are known to be comparable, score, and sum
 * up per session, per character and overall.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { CharacterResult, PerplexitySelection, SessionResult } from "../../../shared/domain/eval";
import type { Settings } from "../../../shared/domain/settings";
import { MasqueError } from "../../../shared/errors";
import type { Engine, ScoringSession } from "../engine/engine";
import { conversationPieces } from "./conversationPieces";
import {
  type Conversation,
  chatConversations,
  referenceConversations,
  type SourceRepositories,
} from "./evalSources";
import { planSessionScoring, type SessionPlan } from "./inCharacterPlan";
import { figuresOf, sessionResult } from "./perplexityFigures";
import { scorePlainText } from "./plainTextScorer";
import { scoreSessionPlan } from "./sessionScorer";

export interface PerplexityJobInput {
  engine: Engine;
  scoring: ScoringSession;
  settings: Settings;
  repos: SourceRepositories;
  selection: PerplexitySelection;
  templateId: string | undefined;
  signal: AbortSignal;
  /** Called once the inputs are planned, before any scoring. */
  onPlanned: (info: { selectionHash: string; templateId: string; totalTokens: number }) => void;
  onProgress: (scoredTokens: number, totalTokens: number) => void;
}

export interface PerplexityJobResult {
  templateId: string;
  selectionHash: string;
  perSession: SessionResult[];
  perCharacter: CharacterResult[];
}

interface PlannedConversation {
  conversation: Conversation;
  plan: SessionPlan;
  bytes: Map<string, number>;
  unfitted: number;
}

export async function runPerplexityJob(input: PerplexityJobInput): Promise<PerplexityJobResult> {
  if (input.selection.textFile !== undefined) return runPlainText(input, input.selection.textFile);
  const conversations = input.selection.characterIds
    ? referenceConversations(input.repos, input.selection.characterIds, input.selection.sessions)
    : chatConversations(input.repos, input.selection.chatIds ?? []);
  if (conversations.length === 0) {
    throw new MasqueError(
      "INVALID_INPUT",
      "the selection holds no sessions to score (import PIPPA sessions first)",
      {
        field: "characterIds",
      },
    );
  }
  let templateId = input.templateId ?? "";
  const planned: PlannedConversation[] = [];
  let total = 0;
  const cap = input.selection.maxTokensScored ?? Number.POSITIVE_INFINITY;
  for (const conversation of conversations) {
    const pieces = conversationPieces(input.engine, {
      card: conversation.card,
      settings: input.settings,
      templateId: input.templateId,
      turns: conversation.turns,
      contextSize: input.scoring.contextSize,
      key: conversation.key,
    });
    templateId = pieces.template.id;
    const plan = planSessionScoring(pieces.replies, {
      contextSize: input.scoring.contextSize,
      tokenize: (p) => input.engine.tokenizePrompt([...p]),
    });
    if (plan.scoredTokens === 0) continue;
    if (total > 0 && total + plan.scoredTokens > cap) break;
    const bytes = new Map(
      pieces.replies.map((r) => [
        r.replyId,
        utf8Length(
          r.reply
            .map((p) => p.text)
            .join("")
            .trimStart(),
        ),
      ]),
    );
    planned.push({ conversation, plan, bytes, unfitted: pieces.unfitted });
    total += plan.scoredTokens;
    if (total >= cap) break;
  }
  if (planned.length === 0) {
    throw new MasqueError("INVALID_INPUT", "no reply of the selection fits the context; nothing to score", {
      field: "contextSize",
    });
  }
  const selectionHash = hashInputs(planned.map((p) => [p.conversation.key, p.plan.passes]));
  input.onPlanned({ selectionHash, templateId, totalTokens: total });
  input.onProgress(0, total);

  const perSession: SessionResult[] = [];
  let done = 0;
  for (const { conversation, plan, bytes, unfitted } of planned) {
    const score = await scoreSessionPlan(input.scoring, plan, {
      signal: input.signal,
      onProgress: (scored) => input.onProgress(done + scored, total),
    });
    done += plan.scoredTokens;
    perSession.push(
      sessionResult({
        key: conversation.key,
        sessionId: conversation.sessionId,
        chatId: conversation.chatId,
        characterId: conversation.characterId,
        tokensScored: score.replies.reduce((s, r) => s + r.tokens, 0),
        bytesScored: score.replies.reduce((s, r) => s + (bytes.get(r.replyId) ?? 0), 0),
        nllSum: score.replies.reduce((s, r) => s + r.nll, 0),
        repliesScored: score.replies.length,
        repliesSkipped: plan.skipped.length + unfitted,
      }),
    );
  }
  const names = new Map(conversations.map((c) => [c.characterId, c.card.name]));
  return { templateId, selectionHash, perSession, perCharacter: perCharacter(perSession, names) };
}

async function runPlainText(input: PerplexityJobInput, path: string): Promise<PerplexityJobResult> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new MasqueError(
      error.code === "ENOENT" ? "NOT_FOUND" : "INVALID_INPUT",
      `text file ${path}: ${error.message}`,
      { field: "textFile" },
    );
  });
  if (!text.trim())
    throw new MasqueError("INVALID_INPUT", `text file ${path} is empty`, { field: "textFile" });
  const { tokens } = input.scoring.textTokens(text);
  const selectionHash = hashInputs(["text", tokens, input.scoring.contextSize]);
  input.onPlanned({ selectionHash, templateId: "plain-text", totalTokens: tokens.length - 1 });
  input.onProgress(0, tokens.length - 1);
  const score = await scorePlainText(input.scoring, text, {
    signal: input.signal,
    onProgress: input.onProgress,
  });
  return {
    templateId: "plain-text",
    selectionHash,
    perSession: [
      sessionResult({
        key: "text",
        sessionId: null,
        chatId: null,
        characterId: null,
        tokensScored: score.tokens,
        bytesScored: score.bytes,
        nllSum: score.nll,
        repliesScored: 1,
        repliesSkipped: 0,
      }),
    ],
    perCharacter: [],
  };
}

function perCharacter(sessions: readonly SessionResult[], names: Map<number, string>): CharacterResult[] {
  const groups = new Map<number, SessionResult[]>();
  for (const s of sessions) {
    if (s.characterId === null) continue;
    const list = groups.get(s.characterId) ?? [];
    list.push(s);
    groups.set(s.characterId, list);
  }
  return [...groups].map(([characterId, list]) => ({
    characterId,
    characterName: names.get(characterId) ?? `#${characterId}`,
    sessions: list.length,
    ...figuresOf(list),
  }));
}

function hashInputs(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

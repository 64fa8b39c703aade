/** Reply statistics of an A/B run's replies or of chats, beside the PIPPA bot turns of the same characters. */
import type { ParsedRequestOf } from "../../../shared/api/contract";
import type { ReplyStatsReport } from "../../../shared/domain/eval";
import type { EvalRunRepository, EvalRunRow } from "../../storage/evalRunRepository";
import type { SettingsStore } from "../../storage/settingsStore";
import type { Engine } from "../engine/engine";
import type { StoredAbPrompt } from "./abPlan";
import type { AbSettings } from "./abService";
import { chatConversations, referenceConversations, type SourceRepositories } from "./evalSources";
import { type ReplySet, replyStatsReport } from "./replyStatsReport";

export interface ReplyStatsDeps {
  runs: EvalRunRepository;
  repos: SourceRepositories;
  engine: Engine;
  settings: SettingsStore;
  abRun: (runId: number) => EvalRunRow;
}

export function replyStatsQuery(
  input: ParsedRequestOf<"eval.stats">,
  deps: ReplyStatsDeps,
): ReplyStatsReport {
  const settings = deps.settings.getAll();
  let sets: ReplySet[];
  let characterIds: number[];
  if (input.abRunId !== undefined) {
    const row = deps.abRun(input.abRunId);
    const { contestants } = row.settings as AbSettings;
    const replies = deps.runs.abReplies(row.id);
    sets = contestants.map((c) => ({
      label: c.label,
      texts: replies.filter((r) => r.contestant === c.id).map((r) => r.text),
    }));
    characterIds = [
      ...new Set((deps.runs.abPrompts(row.id) as StoredAbPrompt[]).map((p) => p.source.characterId)),
    ];
  } else {
    const conversations = chatConversations(deps.repos, input.chatIds ?? []);
    sets = conversations.map((c) => ({
      label: `Chat ${c.chatId} (${c.card.name})`,
      texts: c.turns.filter((t, i) => t.role === "character" && i > 0).map((t) => t.text),
    }));
    characterIds = [...new Set(conversations.map((c) => c.characterId))];
  }
  const reference = referenceConversations(deps.repos, characterIds).flatMap((c) =>
    // Greetings come from the card, not from a model turn: left out on both sides.
    c.turns.filter((t, i) => t.role === "character" && i > 0 && t.text.trim()).map((t) => t.text),
  );
  const engine = deps.engine;
  return replyStatsReport(
    sets,
    reference.length > 0 ? { label: "PIPPA bot turns", texts: reference } : null,
    {
      userNames: [settings.userName],
      ...(engine.loaded() ? { countTokens: (t: string) => engine.countTokens(t) } : {}),
    },
  );
}

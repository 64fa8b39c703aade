/**
 * The A/B report, revealed only after voting: per contestant wins, losses, ties (a "both bad"
 * vote counts as a tie and is also counted on its own), the win rate (a tie is half a win) with
 * its Wilson 95% interval, Bradley–Terry ratings on an Elo scale with bootstrap intervals, and the
 * mean length of its replies. Ratings use one pseudo-tie per pair that met, so a small or lopsided
 * run still has finite ratings.
 */
import type { AbContestant, AbContestantReport, AbVote } from "../../../shared/domain/eval";
import type { Battle } from "../../../shared/stats/bradleyTerry";
import { bootstrapBradleyTerry } from "../../../shared/stats/bradleyTerryBootstrap";
import { winRate } from "../../../shared/stats/wilson";

export const AB_PSEUDO_TIES = 1;
export const AB_BOOTSTRAP_SEED = 7;

export interface VotedItem {
  slotA: string;
  slotB: string;
  vote: AbVote | null;
}

export interface ContestantReply {
  contestant: string;
  tokens: number;
  words: number;
}

export function abContestantReports(
  contestants: readonly AbContestant[],
  items: readonly VotedItem[],
  replies: readonly ContestantReply[],
): AbContestantReport[] {
  const record = new Map(contestants.map((c) => [c.id, { wins: 0, losses: 0, ties: 0, bothBad: 0 }]));
  const battles: Battle[] = [];
  for (const item of items) {
    if (!item.vote) continue;
    const a = record.get(item.slotA);
    const b = record.get(item.slotB);
    if (!a || !b) continue;
    if (item.vote === "a") {
      a.wins++;
      b.losses++;
    } else if (item.vote === "b") {
      b.wins++;
      a.losses++;
    } else {
      a.ties++;
      b.ties++;
      if (item.vote === "bad") {
        a.bothBad++;
        b.bothBad++;
      }
    }
    battles.push({ a: item.slotA, b: item.slotB, outcome: item.vote === "bad" ? "tie" : item.vote });
  }
  const ratings = new Map(
    battles.length > 0
      ? bootstrapBradleyTerry(battles, { pseudoTies: AB_PSEUDO_TIES, seed: AB_BOOTSTRAP_SEED }).ratings.map(
          (r) => [r.model, r],
        )
      : [],
  );
  return contestants.map((c) => {
    const r = record.get(c.id) ?? { wins: 0, losses: 0, ties: 0, bothBad: 0 };
    const games = r.wins + r.losses + r.ties;
    const rate = games > 0 ? winRate(r) : null;
    const rating = ratings.get(c.id);
    const mine = replies.filter((x) => x.contestant === c.id);
    return {
      id: c.id,
      label: c.label,
      ...r,
      winRate: rate?.estimate ?? 0,
      wilson: rate ? [rate.low, rate.high] : [0, 1],
      rating: rating?.rating ?? 1000,
      ratingInterval: rating ? [rating.low, rating.high] : [1000, 1000],
      meanReplyTokens: mean(mine.map((x) => x.tokens)),
      meanReplyWords: mean(mine.map((x) => x.words)),
    };
  });
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

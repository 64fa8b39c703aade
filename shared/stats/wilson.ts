/**
 * Wilson score interval for a proportion, and the A/B win rate with ties counted as half wins
 * (model-evaluation.md B.2): ŵ = (W + T/2) / n, interval by Wilson on ŵ with n games.
 */
import { invalid, requireFinite, requireInteger } from "./checks";

/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** `successes` may be fractional (ties as half wins); `trials` is the number of games. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  requireInteger("trials", trials, 1);
  requireFinite("successes", successes);
  if (successes < 0 || successes > trials) {
    throw invalid("successes", `expected a count between 0 and trials (${trials}), got ${successes}`);
  }
  if (!(z > 0)) throw invalid("z", `expected a positive number, got ${z}`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface WinLossRecord {
  wins: number;
  ties: number;
  losses: number;
}

export interface WinRate extends Interval {
  games: number;
}

export function winRate(record: WinLossRecord, z = Z_95): WinRate {
  for (const field of ["wins", "ties", "losses"] as const) requireInteger(field, record[field], 0);
  const games = record.wins + record.ties + record.losses;
  if (games === 0) throw invalid("games", "no games were played");
  return { ...wilsonInterval(record.wins + record.ties / 2, games, z), games };
}

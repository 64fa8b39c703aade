/**
 * Two-sided exact sign test of wins against losses (ties ignored): under "no preference" the wins
 * among the decisive games are Binomial(W + L, 1/2). Summed in log space so that long A/B sessions
 * do not underflow 2^−n.
 */
import { invalid, requireInteger } from "./checks";

export function signTest(wins: number, losses: number): number {
  requireInteger("wins", wins, 0);
  requireInteger("losses", losses, 0);
  const n = wins + losses;
  if (n === 0) throw invalid("games", "no decisive games (wins + losses is 0)");
  const tail = Math.min(wins, losses);
  let logPmf = -n * Math.LN2;
  const logTerms = [logPmf];
  for (let k = 0; k < tail; k++) {
    logPmf += Math.log(n - k) - Math.log(k + 1);
    logTerms.push(logPmf);
  }
  const max = Math.max(...logTerms);
  const oneTail = Math.exp(max) * logTerms.reduce((s, t) => s + Math.exp(t - max), 0);
  return Math.min(1, 2 * oneTail);
}

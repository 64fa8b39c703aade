/**
 * Bootstrap intervals for Bradley–Terry ratings (as the Chatbot Arena leaderboard reports them):
 * resample the battles with replacement, refit, and take percentiles of each model's rating.
 * A resample in which some rating is unbounded (a model never lost or never won in it, or was
 * not drawn at all) has no finite fit; it is counted in `unboundedResamples` and left out, so a
 * high count says the tournament is too small for the interval (or calls for pseudo-ties).
 */
import { MasqueError } from "../errors";
import type { BootstrapOptions } from "./bootstrap";
import { DEFAULT_RESAMPLES, resample } from "./bootstrap";
import { type Battle, type BradleyTerryOptions, fitBradleyTerry } from "./bradleyTerry";
import { invalid, requireInteger, requireLevel } from "./checks";
import { quantileSorted, sortedNumbers } from "./quantile";
import { createRandom } from "./random";

export interface RatingInterval {
  model: string;
  rating: number;
  low: number;
  high: number;
}

export interface BradleyTerryBootstrap {
  /** Highest point rating first. */
  ratings: RatingInterval[];
  resamples: number;
  unboundedResamples: number;
}

export function bootstrapBradleyTerry(
  battles: readonly Battle[],
  options: BradleyTerryOptions & BootstrapOptions = {},
): BradleyTerryBootstrap {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  requireInteger("resamples", resamples, 1);
  const level = options.level ?? 0.95;
  requireLevel("level", level);
  const fit = fitBradleyTerry(battles, options);
  const random = options.random ?? createRandom(options.seed ?? 1);
  const samples = new Map<string, number[]>(fit.ratings.map((r) => [r.model, []]));
  let unbounded = 0;
  for (let r = 0; r < resamples; r++) {
    const drawn = resample(battles, random);
    const refit = modelCount(drawn) < samples.size ? null : fitOrNull(drawn, options);
    if (!refit) {
      unbounded++;
      continue;
    }
    for (const rating of refit.ratings) samples.get(rating.model)?.push(rating.rating);
  }
  if (unbounded === resamples) {
    throw invalid(
      "battles",
      `every one of the ${resamples} resamples had unbounded ratings; add battles or pseudoTies`,
    );
  }
  return {
    ratings: fit.ratings.map(({ model, rating }) => {
      const sorted = sortedNumbers(samples.get(model) ?? []);
      return {
        model,
        rating,
        low: quantileSorted(sorted, (1 - level) / 2),
        high: quantileSorted(sorted, (1 + level) / 2),
      };
    }),
    resamples,
    unboundedResamples: unbounded,
  };
}

function modelCount(battles: readonly Battle[]): number {
  return new Set(battles.flatMap((b) => [b.a, b.b])).size;
}

function fitOrNull(battles: Battle[], options: BradleyTerryOptions) {
  try {
    return fitBradleyTerry(battles, options);
  } catch (error) {
    if (error instanceof MasqueError && error.details?.reason === "unbounded") return null;
    throw error;
  }
}

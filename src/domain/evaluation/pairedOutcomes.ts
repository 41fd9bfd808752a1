import type { OutcomeComparison, PairedComparison, PairedInterval } from '../../events/catalogue.js';
import { seededRandom } from '../random.js';
import { ROUTES } from '../../events/model/vocabulary.js';
import { normalQuantile } from './normalQuantile.js';

/**
 * The paired per-unit differences (challenger - baseline) a comparison is made of: benchmark tasks with
 * both routers' outcomes looked up, or held-out trajectories with both routers' doubly robust terms.
 */
export type PairedUnits = {
  readonly reward: Float64Array;
  /** Error indicator (0 or 1 on a suite) and latency in ms. */
  readonly error: Float64Array;
  readonly latency: Float64Array;
  /** Each unit's category as an index into ROUTES, or -1 when it has none. */
  readonly category: Int8Array;
  /**
   * Held-out traffic only: each router's importance weight on the logged route and the logged reward, for
   * the self-normalised estimate of the reward difference.
   */
  readonly snips?: { readonly baselineWeight: Float64Array; readonly challengerWeight: Float64Array; readonly reward: Float64Array };
};

/**
 * The variance an outcome bounded in [0, 1] (a reward, an error indicator) can have at most: the floor
 * that keeps an off-policy interval honest when few logged decisions support the challenger's choices.
 */
const WORST_CASE_VARIANCE = 0.25;

export type BootstrapOptions = { readonly resamples: number; readonly confidenceLevel: number; readonly seed: number };

function mean(values: Float64Array, keep: (i: number) => boolean = () => true): { mean: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!keep(i)) continue;
    sum += values[i]!;
    count += 1;
  }
  return { mean: count ? sum / count : 0, count };
}

function snipsDifference(s: NonNullable<PairedUnits['snips']>, pick: (k: number) => number, n: number): number {
  let wb = 0;
  let wc = 0;
  let wbr = 0;
  let wcr = 0;
  for (let k = 0; k < n; k++) {
    const i = pick(k);
    const b = s.baselineWeight[i]!;
    const c = s.challengerWeight[i]!;
    wb += b;
    wc += c;
    wbr += b * s.reward[i]!;
    wcr += c * s.reward[i]!;
  }
  return (wc > 0 ? wcr / wc : 0) - (wb > 0 ? wbr / wb : 0);
}

/**
 * Widens an interval to at least z * se either side of its point. On held-out traffic the evidence for a
 * route the challenger prefers comes from the few decisions that explored it, each weighted by 1 / p (50
 * at 10% exploration over five routes); a handful of them can all have reward 1 by chance, and then the
 * bootstrap, which only reshuffles what it saw, reports a narrow interval around a lucky estimate. The
 * floor puts back the variance those decisions must carry: sum over units of (weight gap)^2 times the
 * largest variance of a [0, 1] outcome, over n^2.
 */
function atLeast(i: PairedInterval, se: number, z: number): PairedInterval {
  return { ...i, lower: Math.min(i.lower, i.meanDelta - z * se), upper: Math.max(i.upper, i.meanDelta + z * se) };
}

function floorStandardError(gap: Float64Array, keep: (i: number) => boolean = () => true): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < gap.length; i++) {
    if (!keep(i)) continue;
    sum += gap[i]! * gap[i]! * WORST_CASE_VARIANCE;
    n += 1;
  }
  return n ? Math.sqrt(sum) / n : 0;
}

/** Percentile interval of bootstrap replicates (NaN replicates, a category drawn zero times, are left out). */
function interval(point: number, count: number, replicates: Float64Array, confidenceLevel: number): PairedInterval {
  const finite = replicates.filter((x) => !Number.isNaN(x)).sort();
  if (finite.length === 0) return { meanDelta: point, lower: point, upper: point, count };
  const alpha = 1 - confidenceLevel;
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.floor(q * finite.length)))]!;
  return { meanDelta: point, lower: at(alpha / 2), upper: at(1 - alpha / 2), count };
}

/**
 * One joint paired bootstrap (Efron and Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13) of
 * every difference the gates read: units are resampled with replacement once per replicate, and the
 * reward, error-rate, latency and per-category means (and, on held-out traffic, the self-normalised reward
 * difference) are all taken over that same resample. Pairing removes the per-task difficulty that an
 * unpaired comparison would carry; seeded, so a report can be recomputed exactly.
 */
export function comparePaired(
  method: OutcomeComparison['method'],
  units: PairedUnits,
  options: BootstrapOptions,
): { comparison: OutcomeComparison; paired: PairedComparison } {
  const n = units.reward.length;
  const random = seededRandom(options.seed);
  const B = options.resamples;
  const reward = new Float64Array(B);
  const error = new Float64Array(B);
  const latency = new Float64Array(B);
  const categories = ROUTES.map(() => new Float64Array(B));
  const snips = new Float64Array(B);
  const drawn = new Uint32Array(n);
  const categorySum = new Float64Array(ROUTES.length);
  const categoryCount = new Uint32Array(ROUTES.length);
  for (let b = 0; b < B; b++) {
    let r = 0;
    let e = 0;
    let l = 0;
    categorySum.fill(0);
    categoryCount.fill(0);
    for (let k = 0; k < n; k++) {
      const i = Math.floor(random() * n);
      drawn[k] = i;
      r += units.reward[i]!;
      e += units.error[i]!;
      l += units.latency[i]!;
      const c = units.category[i]!;
      if (c >= 0) {
        categorySum[c]! += units.reward[i]!;
        categoryCount[c]! += 1;
      }
    }
    reward[b] = n ? r / n : 0;
    error[b] = n ? e / n : 0;
    latency[b] = n ? l / n : 0;
    for (let c = 0; c < ROUTES.length; c++) categories[c]![b] = categoryCount[c] ? categorySum[c]! / categoryCount[c]! : Number.NaN;
    if (units.snips) snips[b] = snipsDifference(units.snips, (k) => drawn[k]!, n);
  }
  const level = options.confidenceLevel;
  const z = normalQuantile(1 - (1 - level) / 2);
  const gap = units.snips ? units.snips.challengerWeight.map((w, i) => w - units.snips!.baselineWeight[i]!) : null;
  const floored = (i: PairedInterval, keep?: (k: number) => boolean) => (gap ? atLeast(i, floorStandardError(gap, keep), z) : i);
  const rewardInterval = floored(interval(mean(units.reward).mean, n, reward, level));
  const byCategory: OutcomeComparison['byCategory'] = {};
  ROUTES.forEach((route, c) => {
    const keep = (i: number) => units.category[i] === c;
    const within = mean(units.reward, keep);
    if (within.count > 0) byCategory[route] = floored(interval(within.mean, within.count, categories[c]!, level), keep);
  });
  const comparison: OutcomeComparison = {
    method,
    confidenceLevel: level,
    resamples: B,
    seed: options.seed,
    reward: rewardInterval,
    errorRate: floored(interval(mean(units.error).mean, n, error, level)),
    latencyMs: interval(mean(units.latency).mean, n, latency, level),
    byCategory,
    snipsReward: units.snips
      ? floored(
          interval(
            snipsDifference(units.snips, (k) => k, n),
            n,
            snips,
            level,
          ),
        )
      : null,
  };
  let wins = 0;
  let losses = 0;
  for (const d of units.reward) {
    if (d > 0) wins++;
    else if (d < 0) losses++;
  }
  const paired: PairedComparison = {
    method,
    meanDelta: rewardInterval.meanDelta,
    lower: rewardInterval.lower,
    upper: rewardInterval.upper,
    confidenceLevel: level,
    resamples: B,
    seed: options.seed,
    wins,
    losses,
    ties: n - wins - losses,
  };
  return { comparison, paired };
}

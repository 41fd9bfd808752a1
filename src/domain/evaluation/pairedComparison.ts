import type { PairedComparison } from '../../events/catalogue.js';
import { seededRandom } from '../random.js';

/**
 * Paired bootstrap of the mean per-task reward difference (challenger - baseline) on the same benchmark
 * tasks (Efron and Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13): resample tasks with
 * replacement, take the percentile interval. Pairing removes the task-difficulty variance that an unpaired
 * comparison would carry. Seeded, so a report can be recomputed exactly.
 */
export function pairedBootstrap(
  baseline: Float64Array,
  challenger: Float64Array,
  options: { resamples: number; confidenceLevel: number; seed: number },
): PairedComparison {
  const n = baseline.length;
  if (challenger.length !== n) throw new Error(`paired samples differ in length: ${n} and ${challenger.length}`);
  const deltas = new Float64Array(n);
  let wins = 0;
  let losses = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = challenger[i]! - baseline[i]!;
    deltas[i] = d;
    sum += d;
    if (d > 0) wins++;
    else if (d < 0) losses++;
  }
  const meanDelta = n ? sum / n : 0;
  const random = seededRandom(options.seed);
  const means = new Float64Array(options.resamples);
  for (let b = 0; b < options.resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += deltas[Math.floor(random() * n)]!;
    means[b] = n ? s / n : 0;
  }
  means.sort();
  // The k-th smallest and the k-th largest resampled mean: symmetric, so swapping baseline and challenger
  // exactly negates the interval (taking floor(q * R) at both ends would be one order statistic off).
  const tail = Math.min(Math.floor(((1 - options.confidenceLevel) / 2) * options.resamples), Math.floor((options.resamples - 1) / 2));
  return {
    method: 'paired-bootstrap',
    meanDelta,
    lower: means[tail]!,
    upper: means[options.resamples - 1 - tail]!,
    confidenceLevel: options.confidenceLevel,
    resamples: options.resamples,
    seed: options.seed,
    wins,
    losses,
    ties: n - wins - losses,
  };
}

import type { OffPolicyEstimate } from '../../events/catalogue.js';
import { ROUTES } from '../../events/model/vocabulary.js';

/** A logged decision usable off-policy: the route taken, its reward, and the logging policy's propensity. */
export type LoggedSample = {
  readonly route: number;
  readonly reward: number;
  readonly propensity: number;
  /** The target policy's probability of each route (ROUTES order) in this context. */
  readonly target: readonly number[];
  /** A reward model's prediction for each route in this context (for the doubly robust estimator). */
  readonly predicted: readonly number[];
};

const Z_95 = 1.959963984540054;

function meanAndVariance(values: Float64Array): { mean: number; variance: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= Math.max(1, values.length);
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  variance /= Math.max(1, values.length - 1);
  return { mean, variance };
}

function withInterval(estimator: OffPolicyEstimate['estimator'], value: number, standardError: number, ess: number): OffPolicyEstimate {
  return { estimator, value, lower: value - Z_95 * standardError, upper: value + Z_95 * standardError, effectiveSampleSize: ess };
}

/**
 * Off-policy value estimates of a target policy from logged bandit feedback (Dudik, Langford and Li,
 * "Doubly Robust Policy Evaluation and Learning", ICML 2011): IPS, self-normalised IPS, and doubly robust,
 * each with a normal-approximation 95% interval and the effective sample size (sum w)^2 / sum w^2 of the
 * importance weights w = target(a|x) / propensity.
 */
export function estimatePolicyValue(samples: readonly LoggedSample[]): OffPolicyEstimate[] {
  const n = samples.length;
  if (n === 0) return [];
  const ipsTerms = new Float64Array(n);
  const drTerms = new Float64Array(n);
  const weights = new Float64Array(n);
  let sumW = 0;
  let sumW2 = 0;
  let sumWR = 0;
  samples.forEach((s, i) => {
    const w = s.target[s.route]! / s.propensity;
    weights[i] = w;
    sumW += w;
    sumW2 += w * w;
    sumWR += w * s.reward;
    ipsTerms[i] = w * s.reward;
    let modelValue = 0;
    for (let a = 0; a < ROUTES.length; a++) modelValue += s.target[a]! * s.predicted[a]!;
    drTerms[i] = modelValue + w * (s.reward - s.predicted[s.route]!);
  });
  const ess = sumW2 > 0 ? (sumW * sumW) / sumW2 : 0;
  const ips = meanAndVariance(ipsTerms);
  const dr = meanAndVariance(drTerms);
  const snips = sumW > 0 ? sumWR / sumW : 0;
  // Delta method for a ratio estimator: var = mean(w^2 (r - V)^2) / mean(w)^2 / n.
  let snipsResidual = 0;
  samples.forEach((s, i) => (snipsResidual += weights[i]! ** 2 * (s.reward - snips) ** 2));
  const meanW = sumW / n;
  const snipsSe = meanW > 0 ? Math.sqrt(snipsResidual / n / (meanW * meanW) / n) : 0;
  return [
    withInterval('ips', ips.mean, Math.sqrt(ips.variance / n), ess),
    withInterval('snips', snips, snipsSe, ess),
    withInterval('dr', dr.mean, Math.sqrt(dr.variance / n), ess),
  ];
}

import { z } from 'zod';
import type { PairedComparison } from '../events/catalogue.js';
import type { Metrics } from './metrics.js';
import { ROUTES } from './vocabulary.js';

export const PromotionPolicySchema = z.strictObject({
  /** The lower confidence bound of the paired per-task reward gain must reach this. */
  minRewardDelta: z.number().min(-1).max(1).default(0.01),
  maxErrorRateIncrease: z.number().min(0).max(1).default(0),
  maxLatencyIncreaseMs: z.number().min(0).default(150),
  requiredTaskCount: z.number().int().min(1).default(100),
  /**
   * No category may lose more mean reward than this. A category of ~500 tasks has a standard error of its
   * mean near 0.015 across retrainings, so 0.05 stops real breakage without rejecting on noise.
   */
  maxCategoryRegression: z.number().min(0).max(1).default(0.05),
  confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  bootstrapResamples: z.number().int().min(100).max(100_000).default(2000),
  seed: z.number().int().default(7),
});
export type PromotionPolicy = z.infer<typeof PromotionPolicySchema>;
export const DEFAULT_POLICY: PromotionPolicy = PromotionPolicySchema.parse({});

export const GateResultSchema = z.strictObject({
  gate: z.string(),
  passed: z.boolean(),
  value: z.number(),
  threshold: z.number(),
  message: z.string(),
});
export type GateResult = z.infer<typeof GateResultSchema>;

export type PromotionEvidence = {
  readonly baseline: Metrics;
  readonly challenger: Metrics;
  readonly paired: PairedComparison;
};

export type PromotionVerdict = { readonly accepted: boolean; readonly reasons: GateResult[]; readonly metrics: PromotionEvidence };

const signed = (x: number, digits = 4) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/**
 * The promotion policy: every gate is evaluated and reported with its numbers, passing or failing; the
 * challenger is accepted only when all pass. Each gate is monotone: improving a challenger metric can only
 * turn a gate from failing to passing.
 */
export function evaluatePromotion(evidence: PromotionEvidence, policy: PromotionPolicy): PromotionVerdict {
  const { baseline, challenger, paired } = evidence;
  const gate = (name: string, passed: boolean, value: number, threshold: number, message: string): GateResult => ({ gate: name, passed, value, threshold, message });
  const reasons: GateResult[] = [];

  reasons.push(
    gate('task-count', challenger.taskCount >= policy.requiredTaskCount, challenger.taskCount, policy.requiredTaskCount,
      `${challenger.taskCount} benchmark tasks scored, ${policy.requiredTaskCount} required`),
  );
  reasons.push(
    gate('reward-delta', paired.lower > policy.minRewardDelta, paired.lower, policy.minRewardDelta,
      `mean reward ${signed(paired.meanDelta)} (${(paired.confidenceLevel * 100).toFixed(0)}% CI ${signed(paired.lower)} to ${signed(paired.upper)}); the lower bound must exceed ${signed(policy.minRewardDelta)}`),
  );
  const errorIncrease = challenger.errorRate - baseline.errorRate;
  reasons.push(
    gate('error-rate', errorIncrease <= policy.maxErrorRateIncrease, errorIncrease, policy.maxErrorRateIncrease,
      `error rate ${(baseline.errorRate * 100).toFixed(2)}% -> ${(challenger.errorRate * 100).toFixed(2)}% (${signed(errorIncrease * 100, 2)} points; at most +${(policy.maxErrorRateIncrease * 100).toFixed(2)})`),
  );
  const latencyIncrease = challenger.meanLatencyMs - baseline.meanLatencyMs;
  reasons.push(
    gate('latency', latencyIncrease <= policy.maxLatencyIncreaseMs, latencyIncrease, policy.maxLatencyIncreaseMs,
      `mean latency ${baseline.meanLatencyMs.toFixed(0)} ms -> ${challenger.meanLatencyMs.toFixed(0)} ms (${signed(latencyIncrease, 0)} ms; at most +${policy.maxLatencyIncreaseMs} ms)`),
  );
  for (const route of ROUTES) {
    const before = baseline.byCategory[route];
    if (!before) continue;
    const after = challenger.byCategory[route];
    const change = (after?.meanReward ?? 0) - before.meanReward;
    reasons.push(
      gate(`category:${route}`, change >= -policy.maxCategoryRegression, change, -policy.maxCategoryRegression,
        `${route} tasks ${before.meanReward.toFixed(3)} -> ${(after?.meanReward ?? 0).toFixed(3)} (${signed(change, 3)}; may lose at most ${policy.maxCategoryRegression})`),
    );
  }
  return { accepted: reasons.every((r) => r.passed), reasons, metrics: evidence };
}

import { z } from 'zod';
import type { OutcomeComparison, PairedInterval } from '../events/catalogue.js';
import type { Metrics } from './metrics.js';
import { ROUTES } from './vocabulary.js';

/**
 * The promotion policy. The reward gate puts the burden of proof on the challenger: the lower confidence
 * bound of its paired gain must clear `minRewardDelta`. The side gates (errors, latency, a category) put it
 * on the evidence: they block only when the whole interval of the paired regression lies beyond the
 * allowance, so retraining noise never blocks and a real regression, with enough tasks, always does.
 * The reward already prices errors and wasted work, so by default the error, latency and category gates
 * are off (null) and only reported, and the reward gate asks only that the gain be shown (a lower bound above
 * zero): a router that answers everything `direct` is cheap and rarely errs because it does none of the
 * work, and a category it gives up is already paid for in the mean. Measured with `npm run learn`: with a
 * category allowance of 0.05, a user's challenger at 0.66 against the rule's 0.40 stayed blocked for four
 * cycles by the direct category. An operator who sets an allowance gets exactly that allowance.
 */
export const PromotionPolicySchema = z.strictObject({
  minRewardDelta: z.number().min(-1).max(1).default(0).describe('the lower confidence bound of the paired reward gain must exceed this'),
  maxErrorRateIncrease: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe('block when the error rate has confidently risen by more than this (a share, 0.02 = two points); null: not enforced'),
  maxLatencyIncreaseMs: z
    .number()
    .min(0)
    .nullable()
    .default(null)
    .describe('block when the mean latency has confidently risen by more than this many ms; null: not enforced'),
  requiredTaskCount: z.number().int().min(1).default(100).describe('benchmark tasks (or held-out trajectories) the evidence needs'),
  maxCategoryRegression: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe("block when a category's mean reward has confidently fallen by more than this; null: not enforced"),
  confidenceLevel: z.number().gt(0).lt(1).default(0.95).describe('confidence level of every interval'),
  bootstrapResamples: z.number().int().min(100).max(100_000).default(2000).describe('resamples of the paired bootstrap'),
  seed: z.number().int().default(7).describe('seed of the paired bootstrap, so a report can be recomputed exactly'),
});
export type PromotionPolicy = z.infer<typeof PromotionPolicySchema>;
export const DEFAULT_POLICY: PromotionPolicy = PromotionPolicySchema.parse({});

/**
 * Overrides of the policy, as every interface takes them (CLI flags, MCP, HTTP, the library): one schema,
 * so a field settable in one is settable in all. Absent fields keep their defaults.
 */
export const PolicyOverridesSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(PromotionPolicySchema.shape).map(([key, field]) => [key, field.unwrap().optional().describe(field.description ?? key)]),
  ) as { [K in keyof typeof PromotionPolicySchema.shape]: z.ZodOptional<ReturnType<(typeof PromotionPolicySchema.shape)[K]['unwrap']>> },
);
export type PolicyOverrides = z.infer<typeof PolicyOverridesSchema>;

export const GateResultSchema = z.strictObject({
  gate: z.string(),
  passed: z.boolean(),
  value: z.number(),
  threshold: z.number(),
  message: z.string(),
});
export type GateResult = z.infer<typeof GateResultSchema>;

/** What a challenger is judged on: both routers' metrics and the paired comparison of their outcomes. */
export type PromotionEvidence = {
  readonly baseline: Metrics;
  readonly challenger: Metrics;
  readonly comparison: OutcomeComparison;
};

export type PromotionVerdict = { readonly accepted: boolean; readonly reasons: GateResult[] };

const signed = (x: number, digits = 4) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const points = (x: number) => `${signed(x * 100, 2)}`;
const ci = (level: number, i: PairedInterval, show: (x: number) => string) => `${(level * 100).toFixed(0)}% CI ${show(i.lower)} to ${show(i.upper)}`;

/**
 * The lower bound the reward gate reads. On held-out traffic both paired off-policy estimates must show
 * the gain: the doubly robust one is unbiased when the propensities are right, the self-normalised one
 * does not lean on a reward model, and a challenger only one of them favours has not shown it is better.
 */
export function rewardLowerBound(comparison: OutcomeComparison): number {
  return comparison.snipsReward ? Math.min(comparison.reward.lower, comparison.snipsReward.lower) : comparison.reward.lower;
}

/**
 * Every gate is evaluated and reported with its numbers, passing or failing; the challenger is accepted
 * only when all pass. Each gate is monotone: a better challenger (higher bounds on reward, lower bounds on
 * errors and latency) can only turn a gate from failing to passing, and a stricter policy never passes more.
 */
export function evaluatePromotion(evidence: PromotionEvidence, policy: PromotionPolicy): PromotionVerdict {
  const { baseline, challenger, comparison } = evidence;
  const level = comparison.confidenceLevel;
  const gate = (name: string, passed: boolean, value: number, threshold: number, message: string): GateResult => ({ gate: name, passed, value, threshold, message });
  const reasons: GateResult[] = [];
  const units = comparison.reward.count;
  const what = comparison.method === 'paired-bootstrap' ? 'benchmark tasks scored' : 'held-out trajectories judged';
  reasons.push(gate('task-count', units >= policy.requiredTaskCount, units, policy.requiredTaskCount, `${units} ${what}, ${policy.requiredTaskCount} required`));

  const lower = rewardLowerBound(comparison);
  const snips = comparison.snipsReward ? `; self-normalised ${signed(comparison.snipsReward.meanDelta)} (${ci(level, comparison.snipsReward, signed)})` : '';
  const estimate = comparison.method === 'paired-bootstrap' ? 'mean reward' : 'doubly robust mean reward';
  reasons.push(
    gate('reward-delta', lower > policy.minRewardDelta, lower, policy.minRewardDelta,
      `${estimate} ${signed(comparison.reward.meanDelta)} (${ci(level, comparison.reward, signed)})${snips}; the lower bound must exceed ${signed(policy.minRewardDelta)}`),
  );

  if (policy.maxErrorRateIncrease !== null) {
    const e = comparison.errorRate;
    reasons.push(
      gate('error-rate', e.lower <= policy.maxErrorRateIncrease, e.lower, policy.maxErrorRateIncrease,
        `error rate ${percent(baseline.errorRate)} -> ${percent(challenger.errorRate)} (${points(e.meanDelta)} points, ${ci(level, e, points)}); blocks when the whole interval is above +${(policy.maxErrorRateIncrease * 100).toFixed(2)}`),
    );
  }
  if (policy.maxLatencyIncreaseMs !== null) {
    const l = comparison.latencyMs;
    const ms = (x: number) => `${signed(x, 0)} ms`;
    reasons.push(
      gate('latency', l.lower <= policy.maxLatencyIncreaseMs, l.lower, policy.maxLatencyIncreaseMs,
        `mean latency ${baseline.meanLatencyMs.toFixed(0)} ms -> ${challenger.meanLatencyMs.toFixed(0)} ms (${ms(l.meanDelta)}, ${ci(level, l, ms)}); blocks when the whole interval is above +${policy.maxLatencyIncreaseMs} ms`),
    );
  }
  if (policy.maxCategoryRegression !== null) {
    for (const route of ROUTES) {
      const before = baseline.byCategory[route];
      const change = comparison.byCategory[route];
      if (!before || !change) continue;
      const after = challenger.byCategory[route]?.meanReward ?? 0;
      const show = (x: number) => signed(x, 3);
      reasons.push(
        gate(`category:${route}`, change.upper >= -policy.maxCategoryRegression, change.upper, -policy.maxCategoryRegression,
          `${route} tasks ${before.meanReward.toFixed(3)} -> ${after.toFixed(3)} (${show(change.meanDelta)}, ${ci(level, change, show)}); blocks when the whole interval is below -${policy.maxCategoryRegression}`),
      );
    }
  }
  return { accepted: reasons.every((r) => r.passed), reasons };
}

import { z } from 'zod';
import { POLICY_DEFAULTS } from './policyDefaults.js';

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
  minRewardDelta: z
    .number()
    .min(-1)
    .max(1)
    .default(POLICY_DEFAULTS.minRewardDelta)
    .describe('the lower confidence bound of the paired reward gain must exceed this'),
  maxErrorRateIncrease: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(POLICY_DEFAULTS.maxErrorRateIncrease)
    .describe('block when the error rate has confidently risen by more than this (a share, 0.02 = two points); null: not enforced'),
  maxLatencyIncreaseMs: z
    .number()
    .min(0)
    .nullable()
    .default(POLICY_DEFAULTS.maxLatencyIncreaseMs)
    .describe('block when the mean latency has confidently risen by more than this many ms; null: not enforced'),
  requiredTaskCount: z
    .number()
    .int()
    .min(1)
    .default(POLICY_DEFAULTS.requiredTaskCount)
    .describe('benchmark tasks (or held-out trajectories) the evidence needs'),
  maxCategoryRegression: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(POLICY_DEFAULTS.maxCategoryRegression)
    .describe("block when a category's mean reward has confidently fallen by more than this; null: not enforced"),
  confidenceLevel: z.number().gt(0).lt(1).default(POLICY_DEFAULTS.confidenceLevel).describe('confidence level of every interval'),
  bootstrapResamples: z.number().int().min(100).max(100_000).default(POLICY_DEFAULTS.bootstrapResamples).describe('resamples of the paired bootstrap'),
  seed: z.number().int().default(POLICY_DEFAULTS.seed).describe('seed of the paired bootstrap, so a report can be recomputed exactly'),
});
export type PromotionPolicy = z.infer<typeof PromotionPolicySchema>;
export const DEFAULT_POLICY: PromotionPolicy = PromotionPolicySchema.parse({});

/**
 * Overrides of the policy, as every interface takes them (CLI flags, MCP, HTTP, the library): one schema,
 * so a field settable in one is settable in all. Absent fields keep their defaults.
 */
export const PolicyOverridesSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(PromotionPolicySchema.shape).map(([key, field]) => [
      key,
      field
        .unwrap()
        .optional()
        .describe(field.description ?? key),
    ]),
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

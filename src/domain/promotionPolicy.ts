import { z } from 'zod';

export const PromotionPolicySchema = z.strictObject({
  /** The lower confidence bound of the paired per-task reward gain must reach this. */
  minRewardDelta: z.number().min(-1).max(1).default(0.01),
  maxErrorRateIncrease: z.number().min(0).max(1).default(0),
  maxLatencyIncreaseMs: z.number().min(0).default(150),
  requiredTaskCount: z.number().int().min(1).default(100),
  /** No category may lose more mean reward than this. */
  maxCategoryRegression: z.number().min(0).max(1).default(0.02),
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

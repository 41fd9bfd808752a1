import { z } from 'zod';
import { IsoTimeSchema, RouteSchema } from './vocabulary.js';

const versionHeader = {
  id: z.string().min(1),
  /** Human-friendly, gap-free name (`v1`, `v2`, ...) assigned when the version enters the log. */
  label: z.string().regex(/^v\d+$/),
  createdAt: IsoTimeSchema,
  /** The version this one was trained from or against; null for the first baseline or an import. */
  parentId: z.string().nullable(),
  /** Probability of exploring at `route` time (a route other than the greedy choice may be taken); evaluation is always greedy. */
  explorationRate: z.number().min(0).max(1),
  /**
   * The share of exploration spent on the runner-up route (the second-best score), the rest spread
   * uniformly over every route. Absent: 0, uniform exploration only (versions registered before it existed).
   */
  runnerUpShare: z.number().min(0).max(1).optional(),
};

export const BaselineParamsSchema = z.strictObject({
  /** Below this retrieval score a candidate is not worth bringing in. */
  minScore: z.number().min(0).max(1),
  /** Memory and tool both at least this good: bring in both (composite). */
  compositeMinScore: z.number().min(0).max(1),
  /**
   * The rule reads the case hint: the episodic memory a case hit adds is a recollection, not a retrieval,
   * and never counts as one. Absent on versions registered before, which keep deciding as they always did.
   */
  readsCaseHint: z.literal(true).optional(),
  /**
   * With the case hint read, a hit whose best past reward reached this repeats that route. Unset by default:
   * one lucky outcome is no evidence (docs/learning.md, "Case memory").
   */
  caseMinReward: z.number().min(0).max(1).optional(),
});
export type BaselineParams = z.infer<typeof BaselineParamsSchema>;

export const FeatureSettingsSchema = z.strictObject({
  /** log2 of the hashed feature space. */
  bits: z.number().int().min(8).max(20),
  wordNgrams: z.number().int().min(1).max(3),
  charNgramMin: z.number().int().min(0).max(6),
  charNgramMax: z.number().int().min(0).max(8),
  candidateFeatures: z.boolean(),
  /**
   * The case hint's features get buckets of their own (the last one per route), which no other feature
   * hashes into: a model that never learned from a hint gives it no weight, so a case hit cannot move it.
   * Absent: the hint shares the hashed space (versions trained before).
   */
  caseHintSlots: z.boolean().optional(),
});
export type FeatureSettings = z.infer<typeof FeatureSettingsSchema>;

export const TrainingSettingsSchema = z.strictObject({
  method: z.literal('ridge-cg'),
  /** Ridge penalty on the weights (not the intercept). */
  l2: z.number().positive(),
  /** Conjugate-gradient iterations at most per route; it stops earlier once the residual is tiny. */
  maxIterations: z.number().int().min(1),
});
export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;

export const LinearModelSchema = z.strictObject({
  /** Per-route reward-model intercepts, in ROUTES order. */
  bias: z.array(z.number()).length(5),
  /** Per-route dequantisation scale: weight = int16 * scale. */
  scale: z.array(z.number()).length(5),
  /** base64 of little-endian int16 weights, route-major: 5 * 2^bits values. */
  weights: z.string(),
  /**
   * How much logged evidence each route has per feature: base64 of one byte per route and feature,
   * route-major, the sum of the squared feature values over that route's samples, log-quantised
   * (`evidence.ts`). Present when the version routes safely (`safety`).
   */
  evidence: z.string().optional(),
});
export type LinearModel = z.infer<typeof LinearModelSchema>;

/**
 * Safe policy improvement with baseline bootstrapping (SPIBB, docs/learning.md): a route may displace
 * the logged behaviour's choice for a request only with at least `minEvidence` effective samples of
 * requests like it, and routes are ranked by their reward's lower confidence bound, `pessimism`
 * standard errors below the estimate. With `minAbsentEvidence`, a route whose own kind of context the
 * request was offered none of (`tool` with no tool retrieved; `composite` with no memory or no tool) may
 * displace it only if the log took that route at least that many times with that kind absent; versions
 * trained before it existed carry none and are not held to it.
 */
export const SafetySettingsSchema = z.strictObject({
  method: z.literal('spibb'),
  minEvidence: z.number().min(0),
  pessimism: z.number().min(0),
  minAbsentEvidence: z.number().min(0).optional(),
});
export type SafetySettings = z.infer<typeof SafetySettingsSchema>;

/**
 * What a safe learned version carries: its settings and its reference, the behaviour whose choice it keeps
 * where the log has too little evidence for an alternative: the baseline rule at the root of its lineage,
 * or, with none (a lineage that began elsewhere), the route the log shows most often for such requests.
 * `departures: 'runner-up'`: it leaves the reference's choice only for the reference's runner-up route, the
 * one the rule explores most, so that its own held-out traffic can judge the move (absent: for any route).
 */
export const SafeRoutingSchema = SafetySettingsSchema.extend({
  reference: BaselineParamsSchema.nullable(),
  departures: z.literal('runner-up').optional(),
});
export type SafeRouting = z.infer<typeof SafeRoutingSchema>;

export const RouterVersionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...versionHeader, kind: z.literal('baseline'), params: BaselineParamsSchema }),
  z.strictObject({
    ...versionHeader,
    kind: z.literal('learned'),
    features: FeatureSettingsSchema,
    training: TrainingSettingsSchema,
    model: LinearModelSchema,
    /** Absent on versions trained before safe improvement: they route by the estimate alone. */
    safety: SafeRoutingSchema.optional(),
  }),
  z.strictObject({ ...versionHeader, kind: z.literal('constant'), route: RouteSchema }),
  /** Routes every task to its known category: the upper bound on any benchmark. */
  z.strictObject({ ...versionHeader, kind: z.literal('oracle') }),
]);
export type RouterVersion = z.infer<typeof RouterVersionSchema>;
export type RouterKind = RouterVersion['kind'];

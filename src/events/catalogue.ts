import { z } from 'zod';
import { MetricsSchema } from '../domain/metrics.js';
import { GateResultSchema, PromotionPolicySchema } from '../domain/promotionPolicy.js';
import { RouterVersionSchema } from '../domain/routerVersion.js';
import {
  CandidateSchema,
  DecisionSchema,
  IsoTimeSchema,
  RouteScoresSchema,
  TaskSchema,
  TrajectorySchema,
  UlidSchema,
} from '../domain/vocabulary.js';

/**
 * The data of every event, at its current schema version. Older versions live in upcasters.ts.
 * Lists that could grow with the log (the trajectories a cycle consumes or trains on) are recorded as a
 * `seq` range of the immutable log, which determines them exactly, so no event outgrows the size limit.
 */

export const BenchmarkRefSchema = z.strictObject({
  name: z.string(),
  version: z.number().int(),
  /** sha256 of the suite's canonical JSON. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  taskCount: z.number().int().min(0),
});
export type BenchmarkRef = z.infer<typeof BenchmarkRefSchema>;

export const SeqRangeSchema = z.strictObject({
  /** Inclusive bounds over the log's `seq`; an empty range has fromSeq = toSeq + 1. */
  fromSeq: z.number().int().min(1),
  toSeq: z.number().int().min(0),
  count: z.number().int().min(0),
});
export type SeqRange = z.infer<typeof SeqRangeSchema>;

export const PairedComparisonSchema = z.strictObject({
  method: z.literal('paired-bootstrap'),
  meanDelta: z.number(),
  lower: z.number(),
  upper: z.number(),
  confidenceLevel: z.number(),
  resamples: z.number().int(),
  seed: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  ties: z.number().int(),
});
export type PairedComparison = z.infer<typeof PairedComparisonSchema>;

export const OffPolicyEstimateSchema = z.strictObject({
  estimator: z.enum(['ips', 'snips', 'dr']),
  value: z.number(),
  lower: z.number(),
  upper: z.number(),
  effectiveSampleSize: z.number(),
});
export type OffPolicyEstimate = z.infer<typeof OffPolicyEstimateSchema>;

export const OffPolicyReportSchema = z.strictObject({
  /** Logged trajectories with a propensity, which the estimators can use. */
  sampleCount: z.number().int().min(0),
  baseline: z.array(OffPolicyEstimateSchema),
  challenger: z.array(OffPolicyEstimateSchema),
});
export type OffPolicyReport = z.infer<typeof OffPolicyReportSchema>;

export const ExclusionReasonSchema = z.enum(['benchmark-input']);

/**
 * A decision `route` made and logged, as memabra's own record of what it chose and how likely that was: the
 * outcome that comes later is joined to this, so the propensity off-policy estimates rest on never depends
 * on the caller sending it back. `candidates` are those the router was offered, in order: the caller's,
 * then the case index's episodic memory when there was a hit (`caseMemoryId` names it).
 */
export const DecisionLoggedSchema = z.strictObject({
  decisionId: UlidSchema,
  decidedAt: IsoTimeSchema,
  request: TaskSchema,
  candidates: z.array(CandidateSchema),
  caseMemoryId: z.string().nullable(),
  route: DecisionSchema.shape.route,
  selected: z.array(z.string()),
  routerVersionId: z.string(),
  propensity: z.number().gt(0).max(1),
  scores: RouteScoresSchema,
});
export type DecisionLoggedData = z.infer<typeof DecisionLoggedSchema>;

export const eventDataSchemas = {
  RouterRegistered: z.strictObject({
    version: RouterVersionSchema,
    activate: z.boolean(),
    reason: z.string(),
  }),
  DecisionLogged: DecisionLoggedSchema,
  /** When `trajectory.decision.decisionId` is set, it completes that DecisionLogged (whose fields it carries). */
  TrajectoryRecorded: z.strictObject({ trajectory: TrajectorySchema }),
  CycleStarted: z.strictObject({
    cycleId: z.string(),
    baselineVersionId: z.string(),
    benchmark: BenchmarkRefSchema,
    policy: PromotionPolicySchema,
    options: z.strictObject({
      dryRun: z.boolean(),
      minNewTrajectories: z.number().int().min(0),
      seed: z.number().int(),
    }),
    /** The unseen trajectories this cycle consumes (they are seen once it ends, whatever the end). */
    newTrajectories: SeqRangeSchema,
  }),
  CycleSkipped: z.strictObject({
    cycleId: z.string(),
    newTrajectoryCount: z.number().int().min(0),
    minNewTrajectories: z.number().int().min(0),
  }),
  ChallengerTrained: z.strictObject({
    cycleId: z.string(),
    challenger: RouterVersionSchema,
    /** Every eligible trajectory in this range was used: training is on all of them, not only new ones. */
    trainingSet: SeqRangeSchema,
    excluded: z.array(z.strictObject({ trajectoryId: z.string(), reason: ExclusionReasonSchema })),
  }),
  ChallengerEvaluated: z.strictObject({
    cycleId: z.string(),
    benchmark: BenchmarkRefSchema,
    baseline: z.strictObject({ versionId: z.string(), metrics: MetricsSchema }),
    challenger: z.strictObject({ versionId: z.string(), metrics: MetricsSchema }),
    paired: PairedComparisonSchema,
    offPolicy: OffPolicyReportSchema,
  }),
  ChallengerPromoted: z.strictObject({
    cycleId: z.string(),
    versionId: z.string(),
    priorVersionId: z.string(),
    reasons: z.array(GateResultSchema),
  }),
  ChallengerRejected: z.strictObject({
    cycleId: z.string(),
    challengerVersionId: z.string(),
    activeVersionId: z.string(),
    reasons: z.array(GateResultSchema),
    dryRun: z.boolean(),
    /** Only meaningful for a dry run: every gate passed, so a real cycle would have promoted. */
    wouldPromote: z.boolean(),
  }),
  CycleFailed: z.strictObject({
    cycleId: z.string(),
    stage: z.enum(['dataset', 'training', 'evaluation', 'decision']),
    error: z.string(),
  }),
  RouterRolledBack: z.strictObject({
    fromVersionId: z.string(),
    toVersionId: z.string(),
    reason: z.string().nullable(),
  }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];

export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** An event as decided by the domain, before the store gives it a place in the log. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

/** An event as it stands in the log. */
export type StoredEvent = DomainEvent & { seq: number; id: string; at: string; v: number };

export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

export const CYCLE_TERMINAL_TYPES = ['CycleSkipped', 'ChallengerPromoted', 'ChallengerRejected', 'CycleFailed'] as const;

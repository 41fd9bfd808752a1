import { z } from 'zod';
import { BenchmarkRefSchema, BenchmarkSuiteSchema } from './model/benchmarkSuite.js';
import { MetricsSchema } from './model/metrics.js';
import { GateResultSchema, PromotionPolicySchema } from './model/promotionPolicy.js';
import { RouterVersionSchema } from './model/routerVersion.js';
import { CandidateSchema, DecisionSchema, IsoTimeSchema, RouteScoresSchema, TaskSchema, TrajectorySchema, UlidSchema } from './model/vocabulary.js';

/**
 * The data of every event, at its current schema version. Older versions live in upcasters.ts.
 * Lists that could grow with the log (the trajectories a cycle consumes or trains on) are recorded as a
 * `seq` range of the immutable log, which determines them exactly, so no event outgrows the size limit.
 */

export const SeqRangeSchema = z.strictObject({
  /** Inclusive bounds over the log's `seq`; an empty range has fromSeq = toSeq + 1. */
  fromSeq: z.number().int().min(1),
  toSeq: z.number().int().min(0),
  count: z.number().int().min(0),
});
export type SeqRange = z.infer<typeof SeqRangeSchema>;

/**
 * How the per-unit differences of a paired comparison were formed: outcomes of benchmark tasks looked up
 * for both routers, or doubly robust off-policy terms of held-out logged trajectories.
 */
export const PairedMethodSchema = z.enum(['paired-bootstrap', 'paired-dr-bootstrap']);

export const PairedComparisonSchema = z.strictObject({
  method: PairedMethodSchema,
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
  /**
   * Judged on held-out traffic: the held-out trajectories where the challenger chose a route that none of
   * their loggers could have taken, counted at the worst outcome. Absent on reports of suites, and before it was counted.
   */
  unsupported: z.number().int().min(0).optional(),
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
/** A paired difference (challenger - baseline) with its bootstrap interval, over `count` units. */
export const PairedIntervalSchema = z.strictObject({
  meanDelta: z.number(),
  lower: z.number(),
  upper: z.number(),
  count: z.number().int().min(0),
});
export type PairedInterval = z.infer<typeof PairedIntervalSchema>;

/** Every paired difference the gates read, from one joint bootstrap over the same units. */
export const OutcomeComparisonSchema = z.strictObject({
  method: PairedMethodSchema,
  confidenceLevel: z.number(),
  resamples: z.number().int(),
  seed: z.number().int(),
  reward: PairedIntervalSchema,
  /** Differences of error rate (a share) and mean latency (ms). */
  errorRate: PairedIntervalSchema,
  latencyMs: PairedIntervalSchema,
  /** Mean reward per category, over the units that have one. */
  byCategory: z.strictObject({
    direct: PairedIntervalSchema.optional(),
    memory: PairedIntervalSchema.optional(),
    tool: PairedIntervalSchema.optional(),
    skill: PairedIntervalSchema.optional(),
    composite: PairedIntervalSchema.optional(),
  }),
  /** On held-out traffic: the self-normalised (SNIPS) estimate of the reward difference; null on a suite. */
  snipsReward: PairedIntervalSchema.nullable(),
});
export type OutcomeComparison = z.infer<typeof OutcomeComparisonSchema>;

/**
 * Which trajectories are the log's held-out share: those that carry a propensity and whose id hashes below
 * `share` (the first four bytes of sha256 of the id, big-endian, over 2^32). A function of the id alone, so
 * a trajectory is on the same side in every cycle, whatever else the log holds.
 */
export const HeldOutRuleSchema = z.strictObject({
  method: z.literal('sha256-trajectory-id'),
  share: z.number().gt(0).lt(1),
});
export type HeldOutRule = z.infer<typeof HeldOutRuleSchema>;

/**
 * What a cycle judges the challenger on. `option`: the suite passed to this cycle; `registered`: the suite
 * registered for the log (BenchmarkRegistered); `unrecorded`: a cycle of an older version, which did not
 * say. `held-out`: the log's own held-out traffic, judged off-policy.
 */
export const EvidenceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('suite'), source: z.enum(['option', 'registered', 'unrecorded']), benchmark: BenchmarkRefSchema }),
  z.strictObject({ type: z.literal('held-out'), rule: HeldOutRuleSchema }),
]);
export type Evidence = z.infer<typeof EvidenceSchema>;

/**
 * Where a registered suite lives: shipped with memabra (`bundled`), in a file beside a JSONL log (`file`,
 * relative to the data directory), or in the event itself (`embedded`, a PostgreSQL log's way, within the
 * per-event size limit). The hash in the reference is checked whenever the suite is read back.
 */
export const BenchmarkStorageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bundled') }),
  z.strictObject({ type: z.literal('file'), path: z.string().min(1) }),
  z.strictObject({ type: z.literal('embedded'), suite: BenchmarkSuiteSchema }),
]);
export type BenchmarkStorage = z.infer<typeof BenchmarkStorageSchema>;

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
    evidence: EvidenceSchema,
    policy: PromotionPolicySchema,
    options: z.strictObject({
      dryRun: z.boolean(),
      minNewTrajectories: z.number().int().min(0),
      seed: z.number().int(),
      /**
       * The most trajectories the cycle read, the latest ones (`cycle --window N`). Absent in cycles recorded
       * before it was: those read the latest 20,000 (or, before there was a window, the whole log).
       */
      window: z.number().int().min(1).optional(),
    }),
    /** The unseen trajectories this cycle consumes (they are seen once it ends, whatever the end). */
    newTrajectories: SeqRangeSchema,
  }),
  CycleSkipped: z.strictObject({
    cycleId: z.string(),
    newTrajectoryCount: z.number().int().min(0),
    minNewTrajectories: z.number().int().min(0),
    /**
     * Present when the cycle had enough new trajectories but too little held-out evidence to judge a
     * challenger: how many held-out trajectories it found, how many it needs, and about how many more
     * trajectories with a propensity must be recorded to get there.
     */
    thinEvidence: z
      .strictObject({
        heldOutCount: z.number().int().min(0),
        requiredCount: z.number().int().min(1),
        moreTrajectoriesNeeded: z.number().int().min(1),
      })
      .optional(),
  }),
  ChallengerTrained: z.strictObject({
    cycleId: z.string(),
    challenger: RouterVersionSchema,
    /**
     * The cycle's window, from its first trajectory to the last seq (the latest trajectories, see cycleWindow):
     * every eligible trajectory in this range was used, not only new ones; `count` is how many trained.
     */
    trainingSet: SeqRangeSchema,
    excluded: z.array(z.strictObject({ trajectoryId: z.string(), reason: ExclusionReasonSchema })),
    /**
     * The held-out share of the window kept out of training (not listed: the rule names it), or null when
     * the log judges on a registered suite and trains on everything.
     */
    heldOut: z.strictObject({ rule: HeldOutRuleSchema, count: z.number().int().min(0) }).nullable(),
  }),
  ChallengerEvaluated: z.strictObject({
    cycleId: z.string(),
    /** What judged it; on held-out traffic the metrics below are doubly robust off-policy estimates. */
    evidence: EvidenceSchema,
    /** On held-out traffic, the seq range of the held-out trajectories judged; null on a suite. */
    judged: SeqRangeSchema.nullable(),
    baseline: z.strictObject({ versionId: z.string(), metrics: MetricsSchema }),
    challenger: z.strictObject({ versionId: z.string(), metrics: MetricsSchema }),
    paired: PairedComparisonSchema,
    /** The paired differences every gate reads; null in cycles of an older version. */
    comparison: OutcomeComparisonSchema.nullable(),
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
  /** A labelled suite chosen as this log's gate; a later registration replaces it. */
  BenchmarkRegistered: z.strictObject({
    benchmark: BenchmarkRefSchema,
    storage: BenchmarkStorageSchema,
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

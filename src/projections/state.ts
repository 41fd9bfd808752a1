import type { Draft } from 'immer';
import { PersistentMap } from './persistentMap.js';
import type {
  BenchmarkStorage,
  DecisionLoggedData,
  EventData,
  Evidence,
  HeldOutRule,
  OffPolicyReport,
  OutcomeComparison,
  PairedComparison,
  SeqRange,
} from '../events/catalogue.js';
import type { BenchmarkRef } from '../events/model/benchmarkSuite.js';
import { emptyCaseIndex, type CaseIndex, type CaseIndexDraft } from './caseTable.js';
import type { Metrics } from '../events/model/metrics.js';
import type { GateResult, PromotionPolicy } from '../events/model/promotionPolicy.js';
import type { RouterVersion } from '../events/model/routerVersion.js';
import { countRecordedAfter, emptyIdIndex, seqOfId, type IdIndex, type IdIndexDraft } from './idIndex.js';

export type VersionOrigin = { readonly type: 'registered'; readonly reason: string } | { readonly type: 'trained'; readonly cycleId: string };

/** A version's latest evaluation: what judged it (a suite, or held-out traffic off-policy) and its metrics. */
export type BenchmarkResult = { readonly evidence: Evidence; readonly metrics: Metrics; readonly seq: number };

/** The suite registered as this log's gate; an embedded suite stays in its event (read back by seq). */
export type RegisteredBenchmark = {
  readonly ref: BenchmarkRef;
  readonly storage: { readonly type: 'bundled' } | { readonly type: 'file'; readonly path: string } | { readonly type: 'embedded' };
  readonly seq: number;
  readonly at: string;
};
export type { BenchmarkStorage };

export type VersionEntry = {
  readonly version: RouterVersion;
  readonly seq: number;
  readonly at: string;
  readonly origin: VersionOrigin;
  /** The latest benchmark score of this version, from any cycle's evaluation. */
  readonly benchmark: BenchmarkResult | null;
  /** Set once a cycle rejected it; a rejected challenger can still be activated by rollback. */
  readonly rejectedBy: string | null;
  readonly promotedBy: string | null;
};

export type ActivationSource =
  | { readonly type: 'registered'; readonly reason: string }
  | { readonly type: 'promoted'; readonly cycleId: string }
  | { readonly type: 'rolled-back'; readonly reason: string | null };

export type ActiveRouter = {
  readonly versionId: string;
  readonly seq: number;
  readonly at: string;
  readonly source: ActivationSource;
  readonly priorVersionId: string | null;
};

export type ReportDecision = 'running' | 'skipped' | 'promoted' | 'rejected' | 'failed';

export type TrainingReport = {
  readonly cycleId: string;
  readonly startedSeq: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly baselineVersionId: string;
  /** What judged (or was to judge) the challenger. */
  readonly evidence: Evidence;
  /** The suite that judged it, as `evidence` names it; null when the log's held-out traffic did. */
  readonly benchmark: BenchmarkRef | null;
  readonly policy: PromotionPolicy;
  readonly dryRun: boolean;
  readonly minNewTrajectories: number;
  readonly newTrajectories: SeqRange;
  readonly trainingSet: SeqRange | null;
  readonly excludedCount: number;
  readonly challengerVersionId: string | null;
  readonly baselineMetrics: Metrics | null;
  readonly challengerMetrics: Metrics | null;
  readonly paired: PairedComparison | null;
  /** The paired differences every gate read (null before evaluation, and in cycles of older versions). */
  readonly comparison: OutcomeComparison | null;
  /** On held-out traffic, the seq range of the held-out trajectories judged. */
  readonly judged: SeqRange | null;
  /** The held-out share kept out of training, when one was. */
  readonly heldOut: EventData<'ChallengerTrained'>['heldOut'];
  /** Set when the cycle was skipped because the held-out evidence was too thin. */
  readonly thinEvidence: NonNullable<EventData<'CycleSkipped'>['thinEvidence']> | null;
  readonly offPolicy: OffPolicyReport | null;
  readonly decision: ReportDecision;
  readonly wouldPromote: boolean;
  readonly reasons: readonly GateResult[];
  readonly promotedVersionId: string | null;
  readonly error: string | null;
};

/** `loggedCount`: outcomes of decisions memabra logged itself, whose version and propensity are the log's own. */
export type RewardStats = { readonly count: number; readonly rewardSum: number; readonly errorCount: number; readonly loggedCount: number };

/** Trajectories recorded without a router version (imported history) are counted under this key. */
export const EXTERNAL_DECISIONS = '(external)';

/**
 * Pending decisions are a persistent map (Immutable.js): a new state shares all but a path of O(log n)
 * nodes with the old one, where immer would copy the whole map on every fold. The case index is one too,
 * under the cases of the snapshot it was loaded from (caseTable.ts); trajectory ids, a million of them on
 * a busy log, have an index of their own (idIndex.ts).
 */
export type PersistentIndex<V> = PersistentMap<string, V>;

/** A decision `route` logged that no outcome has completed yet. */
export type PendingDecision = { readonly seq: number; readonly data: DecisionLoggedData };

export type MemabraState = {
  readonly lastSeq: number;
  readonly lastAt: string | null;
  readonly versions: ReadonlyMap<string, VersionEntry>;
  readonly active: ActiveRouter | null;
  readonly reports: ReadonlyMap<string, TrainingReport>;
  readonly trajectories: {
    readonly count: number;
    /** Every recorded trajectory id with the seq that recorded it. */
    readonly ids: IdIndex;
    /** Trajectories recorded at or before this seq have been consumed by a completed cycle. */
    readonly seenThroughSeq: number;
  };
  readonly cases: CaseIndex;
  readonly liveStats: ReadonlyMap<string, RewardStats>;
  readonly decisions: {
    /** DecisionLogged events in the log. */
    readonly logged: number;
    /** Logged decisions awaiting their outcome, by decision id. */
    readonly pending: PersistentIndex<PendingDecision>;
    /** Completed decision ids with the seq of the trajectory that completed each. */
    readonly completed: IdIndex;
  };
  /** The suite registered as this log's gate (BenchmarkRegistered), or null: judged on its own traffic. */
  readonly benchmark: RegisteredBenchmark | null;
  /** The held-out rule as first used by a cycle of this log, so the share never moves. */
  readonly heldOutRule: HeldOutRule | null;
};

/**
 * What an evolve function may change: an immer draft of the state, except the persistent indexes, which
 * are replaced (never drafted) with their own O(log n) updates.
 */
export type StateDraft = Draft<Omit<MemabraState, 'cases' | 'trajectories' | 'decisions'>> & {
  cases: CaseIndexDraft;
  trajectories: { count: number; ids: IdIndexDraft; seenThroughSeq: number };
  decisions: { logged: number; pending: PersistentIndex<PendingDecision>; completed: IdIndexDraft };
};

export const initialState: MemabraState = {
  lastSeq: 0,
  lastAt: null,
  versions: new Map(),
  active: null,
  reports: new Map(),
  trajectories: { count: 0, ids: emptyIdIndex, seenThroughSeq: 0 },
  cases: emptyCaseIndex,
  liveStats: new Map(),
  decisions: { logged: 0, pending: PersistentMap<string, PendingDecision>(), completed: emptyIdIndex },
  benchmark: null,
  heldOutRule: null,
};

/** Where a decision id stands: awaiting its outcome, completed (by the trajectory at `seq`), or unknown. */
export type DecisionStanding =
  { readonly status: 'pending'; readonly decision: PendingDecision } | { readonly status: 'completed'; readonly seq: number } | { readonly status: 'unknown' };

export function decisionStanding(state: MemabraState, decisionId: string): DecisionStanding {
  const pending = state.decisions.pending.get(decisionId);
  if (pending) return { status: 'pending', decision: pending };
  const seq = seqOfId(state.decisions.completed, decisionId);
  return seq === undefined ? { status: 'unknown' } : { status: 'completed', seq };
}

/** The seq that recorded a trajectory id, or undefined when the log holds no such trajectory. */
export function trajectorySeq(state: MemabraState, trajectoryId: string): number | undefined {
  return seqOfId(state.trajectories.ids, trajectoryId);
}

/** A trajectory id counts as seen when a completed cycle consumed the range that recorded it. */
export function isSeen(state: MemabraState, trajectoryId: string): boolean {
  const seq = trajectorySeq(state, trajectoryId);
  return seq !== undefined && seq <= state.trajectories.seenThroughSeq;
}

/** Trajectories recorded after the last range a completed cycle consumed. */
export function unseenTrajectoryCount(state: MemabraState): number {
  return countRecordedAfter(state.trajectories.ids, state.trajectories.seenThroughSeq);
}

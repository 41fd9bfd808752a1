import type { StoredEvent } from '../events/catalogue.js';
import type { MemabraState, VersionEntry } from '../projections/state.js';
import type { CategoryMetrics } from '../events/model/metrics.js';
import type { Route } from '../events/model/vocabulary.js';

export type TimelineKind = 'registered' | 'promoted' | 'rejected' | 'dry-run' | 'skipped' | 'failed' | 'rolled-back';

export type TimelineEntry = {
  readonly seq: number;
  readonly at: string;
  readonly kind: TimelineKind;
  /** The label of the version the entry is about (the one promoted, rejected, rolled back to); null for a skip. */
  readonly subject: string | null;
  readonly title: string;
  readonly details: readonly string[];
};

/** How a version's story ended: promoted or rejected by a real cycle, trained in a dry run, or never decided. */
export type VersionFate = 'registered' | 'promoted' | 'rejected' | 'dry-run' | 'undecided';

export type ReportVersion = {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly parentId: string | null;
  readonly parentLabel: string | null;
  /** The seq at which it entered the log. */
  readonly seq: number;
  readonly fate: VersionFate;
  readonly active: boolean;
  /** Routed live at some point (init, promotion or rollback made it active). */
  readonly everActive: boolean;
  /** Its latest benchmark mean reward, and the parent's, for the gain it brought. */
  readonly benchmark: number | null;
  readonly parentBenchmark: number | null;
  readonly live: { readonly count: number; readonly meanReward: number } | null;
};

/** A challenger's benchmark score at the seq of the cycle that evaluated it, and what that cycle decided. */
export type ChallengerPoint = {
  readonly seq: number;
  readonly versionId: string;
  readonly label: string;
  readonly value: number;
  readonly outcome: 'promoted' | 'rejected' | 'dry-run' | 'undecided';
};

/** A stretch of the log during which one version was the active router. */
export type ActiveSpan = {
  readonly versionId: string;
  readonly label: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly via: 'registered' | 'promoted' | 'rolled-back';
  readonly benchmark: number | null;
};

/** The mean reward of one bucket of a version's live decisions, at the seq of the bucket's last one. */
export type LivePoint = { readonly versionId: string; readonly seq: number; readonly value: number; readonly count: number };

export type CategorySide = { readonly label: string; readonly byCategory: Partial<Record<Route, CategoryMetrics>> };

export type AuditReport = {
  readonly head: { readonly seq: number; readonly at: string | null; readonly firstAt: string | null };
  /** In the order they entered the log. */
  readonly versions: readonly ReportVersion[];
  readonly challengers: readonly ChallengerPoint[];
  readonly spans: readonly ActiveSpan[];
  /** In log order; one point per `liveBucket` decisions of a version, and one for the remainder at its last. */
  readonly live: readonly LivePoint[];
  readonly liveBucket: number;
  /** The benchmark suites the cycles scored on ("name vN, K tasks"); more than one makes scores incomparable. */
  readonly benchmarks: readonly string[];
  readonly categories: { readonly active: CategorySide | null; readonly predecessor: CategorySide | null };
  readonly timeline: readonly TimelineEntry[];
};

/** Live points per chart when no bucket is asked for: enough to see a trend, few enough to read each. */
const LIVE_POINTS = 60;

/** Decisions per live point: the log's trajectories over about sixty points, never fewer than 50 each. */
export const defaultLiveBucket = (trajectoryCount: number) => Math.max(50, Math.ceil(trajectoryCount / LIVE_POINTS));

type SpanStart = Omit<ActiveSpan, 'toSeq' | 'label' | 'benchmark'>;

function fateOf(entry: VersionEntry, state: MemabraState): VersionFate {
  if (entry.origin.type === 'registered') return 'registered';
  if (entry.promotedBy) return 'promoted';
  if (entry.rejectedBy) return state.reports.get(entry.rejectedBy)?.dryRun ? 'dry-run' : 'rejected';
  return 'undecided';
}

const gateLines = (reasons: readonly { passed: boolean; gate: string; message: string }[]) =>
  reasons.map((r) => `${r.passed ? 'pass' : 'FAIL'} ${r.gate}: ${r.message}`);

/** What the builder gathers from the events, in log order, before it reads the final state. */
type Gathered = {
  readonly liveBucket: number;
  readonly live: LivePoint[];
  /** Each version's live decisions since its last full bucket. */
  readonly pending: Map<string, { sum: number; count: number; lastSeq: number }>;
  readonly challengers: Map<string, { seq: number; versionId: string; value: number; outcome: ChallengerPoint['outcome'] }>;
  readonly dryRuns: Map<string, boolean>;
  readonly spanStarts: SpanStart[];
  readonly timeline: TimelineEntry[];
  readonly benchmarks: Set<string>;
  readonly label: Map<string, string>;
  firstAt: string | null;
};

type Stored<T extends StoredEvent['type']> = Extract<StoredEvent, { type: T }>;

const nameIn = (g: Gathered) => (id: string) => g.label.get(id) ?? id.slice(-8);
const placeOf = (event: StoredEvent) => ({ seq: event.seq, at: event.at });

/**
 * Builds the audit report from the log in one pass (events fed in order), then from the final state.
 * Pure: the same events always give the same report.
 */
export function createAuditReportBuilder(liveBucket: number) {
  const gathered: Gathered = {
    liveBucket,
    live: [],
    pending: new Map(),
    challengers: new Map(),
    dryRuns: new Map(),
    spanStarts: [],
    timeline: [],
    benchmarks: new Set(),
    label: new Map(),
    firstAt: null,
  };
  return {
    add: (event: StoredEvent): void => gather(gathered, event),
    build: (state: MemabraState): AuditReport => buildReport(gathered, state),
  };
}

function gather(g: Gathered, event: StoredEvent): void {
  g.firstAt ??= event.at;
  switch (event.type) {
    case 'RouterRegistered':
      return gatherRegistered(g, event);
    case 'TrajectoryRecorded':
      return gatherRecorded(g, event);
    case 'CycleStarted':
      g.dryRuns.set(event.data.cycleId, event.data.options.dryRun);
      return;
    case 'ChallengerTrained':
      g.label.set(event.data.challenger.id, event.data.challenger.label);
      return;
    case 'ChallengerEvaluated':
      return gatherEvaluated(g, event);
    case 'ChallengerPromoted':
      return gatherPromoted(g, event);
    case 'ChallengerRejected':
      return gatherRejected(g, event);
    case 'CycleSkipped':
      return gatherSkipped(g, event);
    case 'CycleFailed':
      g.timeline.push({ ...placeOf(event), kind: 'failed', subject: null, title: `cycle failed in ${event.data.stage}`, details: [event.data.error] });
      return;
    case 'RouterRolledBack':
      return gatherRolledBack(g, event);
    case 'DecisionLogged':
      return;
    case 'BenchmarkRegistered': {
      const { name: suite, version, taskCount, hash } = event.data.benchmark;
      g.timeline.push({
        ...placeOf(event),
        kind: 'registered',
        subject: null,
        title: `benchmark ${suite} v${version} registered as this log's gate`,
        details: [`${taskCount} tasks, sha256 ${hash.slice(0, 12)}`],
      });
      return;
    }
    default:
      return event satisfies never;
  }
}

function gatherRegistered(g: Gathered, event: Stored<'RouterRegistered'>): void {
  const { version, activate, reason } = event.data;
  g.label.set(version.id, version.label);
  if (activate) g.spanStarts.push({ versionId: version.id, fromSeq: event.seq, via: 'registered' });
  g.timeline.push({
    ...placeOf(event),
    kind: 'registered',
    subject: version.label,
    title: `${version.label} (${version.kind}) registered: ${reason}`,
    details: [],
  });
}

/** A live decision into its version's bucket; a full bucket becomes a point. */
function gatherRecorded(g: Gathered, event: Stored<'TrajectoryRecorded'>): void {
  const id = event.data.trajectory.decision.routerVersionId;
  if (!id) return;
  const bucket = g.pending.get(id) ?? { sum: 0, count: 0, lastSeq: 0 };
  bucket.sum += event.data.trajectory.outcome.reward;
  bucket.count += 1;
  bucket.lastSeq = event.seq;
  if (bucket.count === g.liveBucket) {
    g.live.push({ versionId: id, seq: event.seq, value: bucket.sum / bucket.count, count: bucket.count });
    g.pending.delete(id);
  } else g.pending.set(id, bucket);
}

function gatherEvaluated(g: Gathered, event: Stored<'ChallengerEvaluated'>): void {
  const { cycleId, evidence, judged, challenger } = event.data;
  g.benchmarks.add(
    evidence.type === 'suite'
      ? `${evidence.benchmark.name} v${evidence.benchmark.version}, ${evidence.benchmark.taskCount} tasks`
      : `held-out traffic, ${judged?.count ?? 0} trajectories`,
  );
  g.challengers.set(cycleId, { seq: event.seq, versionId: challenger.versionId, value: challenger.metrics.meanReward, outcome: 'undecided' });
}

function gatherPromoted(g: Gathered, event: Stored<'ChallengerPromoted'>): void {
  const { cycleId, versionId, priorVersionId, reasons } = event.data;
  const name = nameIn(g);
  const point = g.challengers.get(cycleId);
  if (point) point.outcome = 'promoted';
  g.spanStarts.push({ versionId, fromSeq: event.seq, via: 'promoted' });
  g.timeline.push({
    ...placeOf(event),
    kind: 'promoted',
    subject: name(versionId),
    title: `${name(versionId)} promoted over ${name(priorVersionId)}`,
    details: gateLines(reasons),
  });
}

function gatherRejected(g: Gathered, event: Stored<'ChallengerRejected'>): void {
  const { cycleId, challengerVersionId, activeVersionId, reasons, dryRun, wouldPromote } = event.data;
  const name = nameIn(g);
  const point = g.challengers.get(cycleId);
  if (point) point.outcome = dryRun || g.dryRuns.get(cycleId) ? 'dry-run' : 'rejected';
  g.timeline.push({
    ...placeOf(event),
    kind: dryRun ? 'dry-run' : 'rejected',
    subject: name(challengerVersionId),
    title: dryRun
      ? `dry run: ${name(challengerVersionId)} would ${wouldPromote ? '' : 'not '}be promoted`
      : `${name(challengerVersionId)} rejected; ${name(activeVersionId)} stays active`,
    details: gateLines(reasons),
  });
}

function gatherSkipped(g: Gathered, event: Stored<'CycleSkipped'>): void {
  g.timeline.push({
    ...placeOf(event),
    kind: 'skipped',
    subject: null,
    title: event.data.thinEvidence
      ? `cycle skipped: ${event.data.thinEvidence.heldOutCount} held-out trajectories, ${event.data.thinEvidence.requiredCount} needed to judge`
      : `cycle skipped: ${event.data.newTrajectoryCount} new trajectories, ${event.data.minNewTrajectories} needed`,
    details: [],
  });
}

function gatherRolledBack(g: Gathered, event: Stored<'RouterRolledBack'>): void {
  const { fromVersionId, toVersionId, reason } = event.data;
  const name = nameIn(g);
  g.spanStarts.push({ versionId: toVersionId, fromSeq: event.seq, via: 'rolled-back' });
  g.timeline.push({
    ...placeOf(event),
    kind: 'rolled-back',
    subject: name(toVersionId),
    title: `rolled back from ${name(fromVersionId)} to ${name(toVersionId)}${reason ? `: ${reason}` : ''}`,
    details: [],
  });
}

const benchmarkIn = (state: MemabraState) => (id: string | null | undefined) => (id ? (state.versions.get(id)?.benchmark?.metrics.meanReward ?? null) : null);

function buildReport(g: Gathered, state: MemabraState): AuditReport {
  // The remainder of each version's live decisions, as one last point at its last one.
  for (const [versionId, bucket] of g.pending) g.live.push({ versionId, seq: bucket.lastSeq, value: bucket.sum / bucket.count, count: bucket.count });
  g.pending.clear();
  const name = nameIn(g);
  const benchmarkOf = benchmarkIn(state);
  const spans = g.spanStarts.map((start, i): ActiveSpan => ({
    ...start,
    label: name(start.versionId),
    toSeq: g.spanStarts[i + 1]?.fromSeq ?? state.lastSeq,
    benchmark: benchmarkOf(start.versionId),
  }));
  const metricsOf = (id: string | null | undefined): CategorySide | null => {
    const entry = id ? state.versions.get(id) : undefined;
    return entry?.benchmark ? { label: entry.version.label, byCategory: entry.benchmark.metrics.byCategory } : null;
  };
  return {
    head: { seq: state.lastSeq, at: state.lastAt, firstAt: g.firstAt },
    versions: reportVersions(g, state),
    challengers: [...g.challengers.values()].map((p) => ({ ...p, label: name(p.versionId) })),
    spans,
    live: [...g.live].sort((a, b) => a.seq - b.seq),
    liveBucket: g.liveBucket,
    benchmarks: [...g.benchmarks],
    categories: { active: metricsOf(state.active?.versionId), predecessor: metricsOf(state.active?.priorVersionId) },
    timeline: g.timeline,
  };
}

function reportVersions(g: Gathered, state: MemabraState): ReportVersion[] {
  const name = nameIn(g);
  const benchmarkOf = benchmarkIn(state);
  const everActive = new Set(g.spanStarts.map((s) => s.versionId));
  return [...state.versions.values()].map((entry): ReportVersion => {
    const { id, parentId } = entry.version;
    const stats = state.liveStats.get(id);
    return {
      id,
      label: entry.version.label,
      kind: entry.version.kind,
      parentId,
      parentLabel: parentId ? name(parentId) : null,
      seq: entry.seq,
      fate: fateOf(entry, state),
      active: state.active?.versionId === id,
      everActive: everActive.has(id),
      benchmark: benchmarkOf(id),
      parentBenchmark: benchmarkOf(parentId),
      live: stats && stats.count > 0 ? { count: stats.count, meanReward: stats.rewardSum / stats.count } : null,
    };
  });
}

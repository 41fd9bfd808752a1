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

const gateLines = (reasons: readonly { passed: boolean; gate: string; message: string }[]) => reasons.map((r) => `${r.passed ? 'pass' : 'FAIL'} ${r.gate}: ${r.message}`);

/**
 * Builds the audit report from the log in one pass (events fed in order), then from the final state.
 * Pure: the same events always give the same report.
 */
export function createAuditReportBuilder(liveBucket: number) {
  const live: LivePoint[] = [];
  const pending = new Map<string, { sum: number; count: number; lastSeq: number }>();
  const challengers = new Map<string, { seq: number; versionId: string; value: number; outcome: ChallengerPoint['outcome'] }>();
  const dryRuns = new Map<string, boolean>();
  const spanStarts: SpanStart[] = [];
  const timeline: TimelineEntry[] = [];
  const benchmarks = new Set<string>();
  const label = new Map<string, string>();
  const name = (id: string) => label.get(id) ?? id.slice(-8);
  let firstAt: string | null = null;

  function add(event: StoredEvent): void {
    firstAt ??= event.at;
    const at = { seq: event.seq, at: event.at };
    switch (event.type) {
      case 'RouterRegistered': {
        const { version, activate, reason } = event.data;
        label.set(version.id, version.label);
        if (activate) spanStarts.push({ versionId: version.id, fromSeq: event.seq, via: 'registered' });
        timeline.push({ ...at, kind: 'registered', subject: version.label, title: `${version.label} (${version.kind}) registered: ${reason}`, details: [] });
        return;
      }
      case 'TrajectoryRecorded': {
        const id = event.data.trajectory.decision.routerVersionId;
        if (!id) return;
        const bucket = pending.get(id) ?? { sum: 0, count: 0, lastSeq: 0 };
        bucket.sum += event.data.trajectory.outcome.reward;
        bucket.count += 1;
        bucket.lastSeq = event.seq;
        if (bucket.count === liveBucket) {
          live.push({ versionId: id, seq: event.seq, value: bucket.sum / bucket.count, count: bucket.count });
          pending.delete(id);
        } else pending.set(id, bucket);
        return;
      }
      case 'CycleStarted':
        dryRuns.set(event.data.cycleId, event.data.options.dryRun);
        return;
      case 'ChallengerTrained':
        label.set(event.data.challenger.id, event.data.challenger.label);
        return;
      case 'ChallengerEvaluated': {
        const { cycleId, evidence, judged, challenger } = event.data;
        benchmarks.add(evidence.type === 'suite' ? `${evidence.benchmark.name} v${evidence.benchmark.version}, ${evidence.benchmark.taskCount} tasks` : `held-out traffic, ${judged?.count ?? 0} trajectories`);
        challengers.set(cycleId, { seq: event.seq, versionId: challenger.versionId, value: challenger.metrics.meanReward, outcome: 'undecided' });
        return;
      }
      case 'ChallengerPromoted': {
        const { cycleId, versionId, priorVersionId, reasons } = event.data;
        const point = challengers.get(cycleId);
        if (point) point.outcome = 'promoted';
        spanStarts.push({ versionId, fromSeq: event.seq, via: 'promoted' });
        timeline.push({ ...at, kind: 'promoted', subject: name(versionId), title: `${name(versionId)} promoted over ${name(priorVersionId)}`, details: gateLines(reasons) });
        return;
      }
      case 'ChallengerRejected': {
        const { cycleId, challengerVersionId, activeVersionId, reasons, dryRun, wouldPromote } = event.data;
        const point = challengers.get(cycleId);
        if (point) point.outcome = dryRun || dryRuns.get(cycleId) ? 'dry-run' : 'rejected';
        timeline.push({
          ...at,
          kind: dryRun ? 'dry-run' : 'rejected',
          subject: name(challengerVersionId),
          title: dryRun
            ? `dry run: ${name(challengerVersionId)} would ${wouldPromote ? '' : 'not '}be promoted`
            : `${name(challengerVersionId)} rejected; ${name(activeVersionId)} stays active`,
          details: gateLines(reasons),
        });
        return;
      }
      case 'CycleSkipped':
        timeline.push({
          ...at,
          kind: 'skipped',
          subject: null,
          title: event.data.thinEvidence
            ? `cycle skipped: ${event.data.thinEvidence.heldOutCount} held-out trajectories, ${event.data.thinEvidence.requiredCount} needed to judge`
            : `cycle skipped: ${event.data.newTrajectoryCount} new trajectories, ${event.data.minNewTrajectories} needed`,
          details: [],
        });
        return;
      case 'CycleFailed':
        timeline.push({ ...at, kind: 'failed', subject: null, title: `cycle failed in ${event.data.stage}`, details: [event.data.error] });
        return;
      case 'RouterRolledBack': {
        const { fromVersionId, toVersionId, reason } = event.data;
        spanStarts.push({ versionId: toVersionId, fromSeq: event.seq, via: 'rolled-back' });
        timeline.push({ ...at, kind: 'rolled-back', subject: name(toVersionId), title: `rolled back from ${name(fromVersionId)} to ${name(toVersionId)}${reason ? `: ${reason}` : ''}`, details: [] });
        return;
      }
      case 'DecisionLogged':
        return;
      case 'BenchmarkRegistered': {
        const { name: suite, version, taskCount, hash } = event.data.benchmark;
        timeline.push({ ...at, kind: 'registered', subject: null, title: `benchmark ${suite} v${version} registered as this log's gate`, details: [`${taskCount} tasks, sha256 ${hash.slice(0, 12)}`] });
        return;
      }
      default:
        return event satisfies never;
    }
  }

  function build(state: MemabraState): AuditReport {
    for (const [versionId, bucket] of pending) live.push({ versionId, seq: bucket.lastSeq, value: bucket.sum / bucket.count, count: bucket.count });
    pending.clear();
    const benchmarkOf = (id: string | null | undefined) => (id ? (state.versions.get(id)?.benchmark?.metrics.meanReward ?? null) : null);
    const everActive = new Set(spanStarts.map((s) => s.versionId));
    const versions = [...state.versions.values()].map((entry): ReportVersion => {
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
    const spans = spanStarts.map((start, i): ActiveSpan => ({
      ...start,
      label: name(start.versionId),
      toSeq: spanStarts[i + 1]?.fromSeq ?? state.lastSeq,
      benchmark: benchmarkOf(start.versionId),
    }));
    const metricsOf = (id: string | null | undefined): CategorySide | null => {
      const entry = id ? state.versions.get(id) : undefined;
      return entry?.benchmark ? { label: entry.version.label, byCategory: entry.benchmark.metrics.byCategory } : null;
    };
    return {
      head: { seq: state.lastSeq, at: state.lastAt, firstAt },
      versions,
      challengers: [...challengers.values()].map((p) => ({ ...p, label: name(p.versionId) })),
      spans,
      live: [...live].sort((a, b) => a.seq - b.seq),
      liveBucket,
      benchmarks: [...benchmarks],
      categories: { active: metricsOf(state.active?.versionId), predecessor: metricsOf(state.active?.priorVersionId) },
      timeline,
    };
  }

  return { add, build };
}

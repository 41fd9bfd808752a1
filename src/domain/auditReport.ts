import type { StoredEvent } from '../events/catalogue.js';
import type { MemabraState } from '../projections/state.js';
import type { CategoryMetrics } from './metrics.js';
import type { Route } from './vocabulary.js';

export type SeriesPoint = { readonly seq: number; readonly at: string; readonly value: number; readonly count?: number };

export type TimelineEntry = {
  readonly seq: number;
  readonly at: string;
  readonly kind: 'registered' | 'promoted' | 'rejected' | 'dry-run' | 'skipped' | 'failed' | 'rolled-back';
  readonly title: string;
  readonly details: readonly string[];
};

export type AuditReport = {
  readonly head: { readonly seq: number; readonly at: string | null };
  readonly versions: readonly { readonly id: string; readonly label: string; readonly kind: string }[];
  /** Benchmark mean reward of each version, each time a cycle evaluated it. */
  readonly benchmark: Readonly<Record<string, readonly SeriesPoint[]>>;
  /** Live mean reward of each version's decisions, one point per `liveBucket` trajectories. */
  readonly live: Readonly<Record<string, readonly SeriesPoint[]>>;
  readonly categories: {
    readonly active: { readonly label: string; readonly byCategory: Partial<Record<Route, CategoryMetrics>> } | null;
    readonly predecessor: { readonly label: string; readonly byCategory: Partial<Record<Route, CategoryMetrics>> } | null;
  };
  readonly timeline: readonly TimelineEntry[];
};

/**
 * Builds the audit report from the log in one pass (events fed in order), then from the final state.
 * Pure: the same events always give the same report.
 */
export function createAuditReportBuilder(liveBucket: number) {
  const benchmark: Record<string, SeriesPoint[]> = {};
  const live: Record<string, SeriesPoint[]> = {};
  const pending: Record<string, { sum: number; count: number }> = {};
  const timeline: TimelineEntry[] = [];
  const started = new Map<string, boolean>();
  const label = new Map<string, string>();
  const name = (id: string) => label.get(id) ?? id.slice(-8);

  function add(event: StoredEvent): void {
    switch (event.type) {
      case 'RouterRegistered':
        label.set(event.data.version.id, event.data.version.label);
        timeline.push({ seq: event.seq, at: event.at, kind: 'registered', title: `${event.data.version.label} (${event.data.version.kind}) registered: ${event.data.reason}`, details: [] });
        return;
      case 'TrajectoryRecorded': {
        const id = event.data.trajectory.decision.routerVersionId;
        if (!id) return;
        const bucket = (pending[id] ??= { sum: 0, count: 0 });
        bucket.sum += event.data.trajectory.outcome.reward;
        bucket.count += 1;
        if (bucket.count === liveBucket) {
          (live[id] ??= []).push({ seq: event.seq, at: event.at, value: bucket.sum / bucket.count, count: bucket.count });
          pending[id] = { sum: 0, count: 0 };
        }
        return;
      }
      case 'CycleStarted':
        started.set(event.data.cycleId, event.data.options.dryRun);
        return;
      case 'ChallengerTrained':
        label.set(event.data.challenger.id, event.data.challenger.label);
        return;
      case 'ChallengerEvaluated':
        for (const side of [event.data.baseline, event.data.challenger]) {
          (benchmark[side.versionId] ??= []).push({ seq: event.seq, at: event.at, value: side.metrics.meanReward });
        }
        return;
      case 'ChallengerPromoted':
        timeline.push({
          seq: event.seq,
          at: event.at,
          kind: 'promoted',
          title: `${name(event.data.versionId)} promoted over ${name(event.data.priorVersionId)}`,
          details: event.data.reasons.map((r) => `${r.passed ? 'pass' : 'FAIL'} ${r.gate}: ${r.message}`),
        });
        return;
      case 'ChallengerRejected':
        timeline.push({
          seq: event.seq,
          at: event.at,
          kind: event.data.dryRun ? 'dry-run' : 'rejected',
          title: event.data.dryRun
            ? `dry run: ${name(event.data.challengerVersionId)} would ${event.data.wouldPromote ? '' : 'not '}be promoted`
            : `${name(event.data.challengerVersionId)} rejected; ${name(event.data.activeVersionId)} stays active`,
          details: event.data.reasons.map((r) => `${r.passed ? 'pass' : 'FAIL'} ${r.gate}: ${r.message}`),
        });
        return;
      case 'CycleSkipped':
        timeline.push({ seq: event.seq, at: event.at, kind: 'skipped', title: `cycle skipped: ${event.data.newTrajectoryCount} new trajectories, ${event.data.minNewTrajectories} needed`, details: [] });
        return;
      case 'CycleFailed':
        timeline.push({ seq: event.seq, at: event.at, kind: 'failed', title: `cycle failed in ${event.data.stage}`, details: [event.data.error] });
        return;
      case 'RouterRolledBack':
        timeline.push({
          seq: event.seq,
          at: event.at,
          kind: 'rolled-back',
          title: `rolled back from ${name(event.data.fromVersionId)} to ${name(event.data.toVersionId)}`,
          details: event.data.reason ? [event.data.reason] : [],
        });
        return;
      default:
        return event satisfies never;
    }
  }

  function build(state: MemabraState): AuditReport {
    for (const [id, bucket] of Object.entries(pending)) {
      if (bucket.count > 0 && state.lastAt) (live[id] ??= []).push({ seq: state.lastSeq, at: state.lastAt, value: bucket.sum / bucket.count, count: bucket.count });
    }
    const metricsOf = (id: string | null | undefined) => {
      const entry = id ? state.versions.get(id) : undefined;
      return entry?.benchmark ? { label: entry.version.label, byCategory: entry.benchmark.metrics.byCategory } : null;
    };
    return {
      head: { seq: state.lastSeq, at: state.lastAt },
      versions: [...state.versions.values()].map((e) => ({ id: e.version.id, label: e.version.label, kind: e.version.kind })),
      benchmark,
      live,
      categories: { active: metricsOf(state.active?.versionId), predecessor: metricsOf(state.active?.priorVersionId) },
      timeline,
    };
  }

  return { add, build };
}

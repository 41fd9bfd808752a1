import { caseCount } from '../projections/caseTable.js';
import { unseenTrajectoryCount, type MemabraState, type TrainingReport, type VersionEntry } from '../projections/state.js';
import type { Metrics } from '../events/model/metrics.js';
import { evidenceLabel } from './evaluation/evidenceName.js';

export type VersionSummary = {
  id: string;
  label: string;
  kind: string;
  parentId: string | null;
  createdAt: string;
  origin: string;
  active: boolean;
  status: 'active' | 'promoted' | 'rejected' | 'registered' | 'trained';
  benchmark: { name: string; meanReward: number; errorRate: number; meanLatencyMs: number } | null;
  /** Outcomes of this version's decisions; `logged` of them completed a decision memabra logged (its own propensity). */
  live: { count: number; logged: number; meanReward: number | null; errorRate: number | null };
};

function describeOrigin(entry: VersionEntry): string {
  return entry.origin.type === 'registered' ? `registered (${entry.origin.reason})` : `trained in cycle ${entry.origin.cycleId}`;
}

export function summariseVersion(state: MemabraState, entry: VersionEntry): VersionSummary {
  const { version } = entry;
  const active = state.active?.versionId === version.id;
  const live = state.liveStats.get(version.id);
  return {
    id: version.id,
    label: version.label,
    kind: version.kind,
    parentId: version.parentId,
    createdAt: version.createdAt,
    origin: describeOrigin(entry),
    active,
    status: active ? 'active' : entry.promotedBy ? 'promoted' : entry.rejectedBy ? 'rejected' : entry.origin.type === 'registered' ? 'registered' : 'trained',
    benchmark: entry.benchmark
      ? {
          name: evidenceLabel(entry.benchmark.evidence),
          meanReward: entry.benchmark.metrics.meanReward,
          errorRate: entry.benchmark.metrics.errorRate,
          meanLatencyMs: entry.benchmark.metrics.meanLatencyMs,
        }
      : null,
    live: {
      count: live?.count ?? 0,
      logged: live?.loggedCount ?? 0,
      meanReward: live && live.count ? live.rewardSum / live.count : null,
      errorRate: live && live.count ? live.errorCount / live.count : null,
    },
  };
}

export type ReportSummary = {
  cycleId: string;
  startedAt: string;
  decision: TrainingReport['decision'];
  dryRun: boolean;
  wouldPromote: boolean;
  baselineVersionId: string;
  challengerVersionId: string | null;
  promotedVersionId: string | null;
  sampleCount: number | null;
  newTrajectoryCount: number;
  baselineMeanReward: number | null;
  challengerMeanReward: number | null;
  failedGates: string[];
  error: string | null;
};

/** The version list every interface shows (`memabra versions`, MCP, HTTP, the library), oldest first. */
export function summariseVersions(state: MemabraState): VersionSummary[] {
  return [...state.versions.values()].map((entry) => summariseVersion(state, entry));
}

/** The report list every interface shows (`memabra reports`, MCP, HTTP), oldest first. */
export function summariseReports(state: MemabraState): ReportSummary[] {
  return [...state.reports.values()].map(summariseReport);
}

export function summariseReport(report: TrainingReport): ReportSummary {
  return {
    cycleId: report.cycleId,
    startedAt: report.startedAt,
    decision: report.decision,
    dryRun: report.dryRun,
    wouldPromote: report.wouldPromote,
    baselineVersionId: report.baselineVersionId,
    challengerVersionId: report.challengerVersionId,
    promotedVersionId: report.promotedVersionId,
    sampleCount: report.trainingSet?.count ?? null,
    newTrajectoryCount: report.newTrajectories.count,
    baselineMeanReward: report.baselineMetrics?.meanReward ?? null,
    challengerMeanReward: report.challengerMetrics?.meanReward ?? null,
    failedGates: report.reasons.filter((r) => !r.passed).map((r) => r.gate),
    error: report.error,
  };
}

export type StatusSummary = {
  initialised: boolean;
  lastSeq: number;
  lastAt: string | null;
  active: (VersionSummary & { since: string; source: string; priorVersionId: string | null; benchmarkMetrics: Metrics | null }) | null;
  versionCount: number;
  trajectoryCount: number;
  unseenTrajectoryCount: number;
  reportCount: number;
  caseCount: number;
  /** Decisions `route` logged, and how many of them still await their outcome. */
  decisions: { logged: number; awaitingOutcome: number };
  latestReport: ReportSummary | null;
  /** What the operator should know about how cycles will judge (`judgingNotes`); empty when nothing. */
  notes: string[];
};

/**
 * Conditions under which cycles can promote nothing, said where the operator looks (`init`, `status`). A
 * router that never explores logs only its own choices, so with no suite to judge on the held-out traffic
 * shows no outcome of any other route, and the judge counts a challenger's departures at the worst.
 */
export function judgingNotes(state: MemabraState): string[] {
  const active = state.active ? state.versions.get(state.active.versionId)?.version : undefined;
  if (!active || state.benchmark || active.explorationRate > 0) return [];
  return [
    `${active.label} never explores (exploration 0) and no suite is registered: the held-out traffic shows only its own choices, so no challenger that departs from them can be shown better and cycles promote nothing; register a labelled suite (\`memabra benchmark use FILE\`) or start a new log with \`init --exploration-rate\` above 0`,
  ];
}

export function summariseStatus(state: MemabraState): StatusSummary {
  const activeEntry = state.active ? state.versions.get(state.active.versionId) : undefined;
  const reports = [...state.reports.values()];
  const latest = reports[reports.length - 1];
  const unseen = unseenTrajectoryCount(state);
  const source = state.active?.source;
  return {
    initialised: state.active !== null,
    lastSeq: state.lastSeq,
    lastAt: state.lastAt,
    active:
      state.active && activeEntry
        ? {
            ...summariseVersion(state, activeEntry),
            since: state.active.at,
            source:
              source?.type === 'promoted'
                ? `promoted by cycle ${source.cycleId}`
                : source?.type === 'rolled-back'
                  ? `rolled back${source.reason ? ` (${source.reason})` : ''}`
                  : `registered (${source?.type === 'registered' ? source.reason : ''})`,
            priorVersionId: state.active.priorVersionId,
            benchmarkMetrics: activeEntry.benchmark?.metrics ?? null,
          }
        : null,
    versionCount: state.versions.size,
    trajectoryCount: state.trajectories.count,
    unseenTrajectoryCount: unseen,
    reportCount: state.reports.size,
    caseCount: caseCount(state.cases),
    decisions: { logged: state.decisions.logged, awaitingOutcome: state.decisions.pending.size },
    latestReport: latest ? summariseReport(latest) : null,
    notes: judgingNotes(state),
  };
}

import type { StoredEvent } from '../events/catalogue.js';
import type { Draft } from 'immer';
import type { GateResult } from '../events/model/promotionPolicy.js';
import type { StateDraft, TrainingReport } from './state.js';

/** One training report per cycle, filled in as the cycle's events arrive. */
export function evolveReports(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'CycleStarted':
      state.reports.set(event.data.cycleId, startedReport(event));
      return;
    case 'CycleSkipped':
    case 'ChallengerTrained':
    case 'ChallengerEvaluated':
    case 'ChallengerPromoted':
    case 'ChallengerRejected':
    case 'CycleFailed': {
      const report = state.reports.get(event.data.cycleId);
      if (report) fillReport(report, event);
      return;
    }
    case 'RouterRegistered':
    case 'TrajectoryRecorded':
    case 'RouterRolledBack':
    case 'BenchmarkRegistered':
      return;
    case 'DecisionLogged':
      return;
    default:
      return event satisfies never;
  }
}

type CycleStepEvent = Extract<
  StoredEvent,
  { type: 'CycleSkipped' | 'ChallengerTrained' | 'ChallengerEvaluated' | 'ChallengerPromoted' | 'ChallengerRejected' | 'CycleFailed' }
>;

/** The report of a cycle that has just started: its inputs, and nothing decided yet. */
function startedReport(event: Extract<StoredEvent, { type: 'CycleStarted' }>): Draft<TrainingReport> {
  const { cycleId, baselineVersionId, evidence, policy, options, newTrajectories } = event.data;
  return {
    cycleId,
    startedSeq: event.seq,
    startedAt: event.at,
    endedAt: null,
    baselineVersionId,
    evidence,
    benchmark: evidence.type === 'suite' ? evidence.benchmark : null,
    policy,
    dryRun: options.dryRun,
    minNewTrajectories: options.minNewTrajectories,
    newTrajectories,
    trainingSet: null,
    excludedCount: 0,
    challengerVersionId: null,
    baselineMetrics: null,
    challengerMetrics: null,
    paired: null,
    comparison: null,
    judged: null,
    heldOut: null,
    thinEvidence: null,
    offPolicy: null,
    decision: 'running',
    wouldPromote: false,
    reasons: [],
    promotedVersionId: null,
    error: null,
  };
}

/** What one later event of a cycle adds to its report. */
function fillReport(report: Draft<TrainingReport>, event: CycleStepEvent): void {
  switch (event.type) {
    case 'CycleSkipped':
      report.decision = 'skipped';
      report.thinEvidence = event.data.thinEvidence ?? null;
      report.endedAt = event.at;
      report.reasons = [skipReason(event.data)];
      return;
    case 'ChallengerTrained':
      report.challengerVersionId = event.data.challenger.id;
      report.trainingSet = event.data.trainingSet;
      report.excludedCount = event.data.excluded.length;
      report.heldOut = event.data.heldOut;
      return;
    case 'ChallengerEvaluated':
      report.baselineMetrics = event.data.baseline.metrics;
      report.challengerMetrics = event.data.challenger.metrics;
      report.paired = event.data.paired;
      report.comparison = event.data.comparison;
      report.judged = event.data.judged;
      report.offPolicy = event.data.offPolicy;
      return;
    case 'ChallengerPromoted':
      report.decision = 'promoted';
      report.wouldPromote = true;
      report.reasons = event.data.reasons;
      report.promotedVersionId = event.data.versionId;
      report.endedAt = event.at;
      return;
    case 'ChallengerRejected':
      report.decision = 'rejected';
      report.wouldPromote = event.data.wouldPromote;
      report.reasons = event.data.reasons;
      report.endedAt = event.at;
      return;
    case 'CycleFailed':
      report.decision = 'failed';
      report.error = `${event.data.stage}: ${event.data.error}`;
      report.endedAt = event.at;
      return;
    default:
      return event satisfies never;
  }
}

/** Why a cycle skipped, as the one gate it did not pass, so every report says why it ended as it did. */
function skipReason({ newTrajectoryCount, minNewTrajectories, thinEvidence }: Extract<StoredEvent, { type: 'CycleSkipped' }>['data']): GateResult {
  return thinEvidence
    ? {
        gate: 'held-out-evidence',
        passed: false,
        value: thinEvidence.heldOutCount,
        threshold: thinEvidence.requiredCount,
        message: `${thinEvidence.heldOutCount} held-out trajector${thinEvidence.heldOutCount === 1 ? 'y' : 'ies'}, ${thinEvidence.requiredCount} needed`,
      }
    : {
        gate: 'min-new-trajectories',
        passed: false,
        value: newTrajectoryCount,
        threshold: minNewTrajectories,
        message: `${newTrajectoryCount} new trajector${newTrajectoryCount === 1 ? 'y' : 'ies'}, ${minNewTrajectories} needed`,
      };
}

import { describe, expect, it } from 'vitest';
import { createAuditReportBuilder, defaultLiveBucket, type AuditReport } from '../../src/domain/auditReport.js';
import { decideCycle, type Learner } from '../../src/domain/cycle.js';
import { DEFAULT_POLICY } from '../../src/events/model/promotionPolicy.js';
import { decideRecord } from '../../src/domain/record.js';
import { decideRollback } from '../../src/domain/rollback.js';
import type { DomainEvent, EventOf } from '../../src/events/catalogue.js';
import { baselineRegistered, decider, history, loggedTrajectories, trajectoryRecorded, type History } from '../support/givenWhenThen.js';
import { baselineVersion, simulatedTrajectories, smallSuite, testCycleOptions } from '../support/learningFixtures.js';

const trajectory = (id: string, reward: number, routerVersionId: string) => trajectoryRecorded({ id, input: `request ${id}`, reward, routerVersionId });

/** The report of a history: its events fed to the builder one by one, and the state they fold to. */
function reportOf(past: History, bucket = 10): AuditReport {
  const builder = createAuditReportBuilder(bucket);
  past.log.forEach(builder.add);
  return builder.build(past.state);
}

/** A baseline router with other thresholds: a challenger in no time, scored and gated for real. */
const thresholdLearner: Learner = ({ id, label, createdAt, parentId, explorationRate }) => ({
  id,
  label,
  createdAt,
  parentId,
  explorationRate,
  kind: 'baseline',
  params: { minScore: 0.5, compositeMinScore: 0.6 },
});

// The history is grown through the real decide functions, as the cycle's own tests grow theirs.
const record = decider(decideRecord);
const rollback = decider(decideRollback);
const cycle = decider((asked: { dryRun: boolean; minRewardDelta: number }, state, context, log) =>
  decideCycle(
    {
      trajectories: loggedTrajectories(log),
      benchmark: smallSuite(120),
      options: testCycleOptions({ dryRun: asked.dryRun, policy: { ...DEFAULT_POLICY, bootstrapResamples: 100, minRewardDelta: asked.minRewardDelta } }),
      learner: thresholdLearner,
    },
    state,
    context,
  ),
);
const recorded = (past: History, from: number) =>
  record
    .given(past)
    .when({ trajectories: simulatedTrajectories(baselineVersion(), from, 20, from) })
    .appended();

describe('the audit report', () => {
  it('given decisions of two versions, then each gets one live point per bucket, and one for its remainder at its last decision', () => {
    const past = history(baselineRegistered('A'), trajectory('1', 1, 'A'), trajectory('2', 0, 'A'), trajectory('3', 1, 'B'), trajectory('4', 1, 'A'));
    expect(reportOf(past, 2).live).toEqual([
      { versionId: 'A', seq: 3, value: 0.5, count: 2 },
      { versionId: 'B', seq: 4, value: 1, count: 1 },
      { versionId: 'A', seq: 5, value: 1, count: 1 },
    ]);
  });

  it('given a promotion, a dry run, a rejection and a rollback, then challengers, spans, fates and the timeline tell the same story', async () => {
    let past = recorded(history(baselineRegistered(baselineVersion().id, 'v1')), 0);
    past = await cycle.given(past).when({ dryRun: false, minRewardDelta: -1 }).appended(); // every challenger passes the reward gate: v2 promoted
    past = await cycle.given(recorded(past, 20)).when({ dryRun: true, minRewardDelta: -1 }).appended(); // v3, in a dry run
    past = await cycle.given(recorded(past, 40)).when({ dryRun: false, minRewardDelta: 1 }).appended(); // no challenger can gain 1: v4 rejected
    past = rollback.given(past).when({ target: 'v1', reason: 'checking' }).appended();
    const report = reportOf(past);
    const seqOf = (type: string, nth = 0) => past.log.filter((e) => e.type === type)[nth]!.seq;

    expect(report.challengers.map((c) => [c.label, c.outcome, c.seq])).toEqual([
      ['v2', 'promoted', seqOf('ChallengerEvaluated', 0)],
      ['v3', 'dry-run', seqOf('ChallengerEvaluated', 1)],
      ['v4', 'rejected', seqOf('ChallengerEvaluated', 2)],
    ]);
    expect(report.spans.map((s) => [s.label, s.via, s.fromSeq, s.toSeq])).toEqual([
      ['v1', 'registered', 1, seqOf('ChallengerPromoted')],
      ['v2', 'promoted', seqOf('ChallengerPromoted'), seqOf('RouterRolledBack')],
      ['v1', 'rolled-back', seqOf('RouterRolledBack'), past.log.length],
    ]);
    expect(report.versions.map((v) => [v.label, v.fate, v.parentLabel, v.active, v.everActive])).toEqual([
      ['v1', 'registered', null, true, true],
      ['v2', 'promoted', 'v1', false, true],
      ['v3', 'dry-run', 'v2', false, false],
      ['v4', 'rejected', 'v2', false, false],
    ]);
    const v2 = report.versions[1]!;
    expect(v2.benchmark).toBe(report.challengers[0]!.value);
    expect(v2.parentBenchmark).toBe(report.versions[0]!.benchmark);
    expect(report.spans[0]!.benchmark).toBe(report.versions[0]!.benchmark);
    expect(report.timeline.map((e) => [e.kind, e.subject])).toEqual([
      ['registered', 'v1'],
      ['promoted', 'v2'],
      ['dry-run', 'v3'],
      ['rejected', 'v4'],
      ['rolled-back', 'v1'],
    ]);
    expect(report.benchmarks).toEqual(['clinc150-routes-first-120 v1, 120 tasks']);
    expect(report.categories.predecessor?.label).toBe('v2');
    expect(report.categories.active?.label).toBe('v1');
  });

  it('puts rollbacks in the timeline with their reason, named by version label', () => {
    const imported = baselineRegistered('B', 'v2') as EventOf<'RouterRegistered'>;
    const past = history(baselineRegistered('A', 'v1'), { ...imported, data: { ...imported.data, reason: 'import' } } as DomainEvent, {
      type: 'RouterRolledBack',
      data: { fromVersionId: 'B', toVersionId: 'A', reason: 'live reward dropped' },
    });
    expect(reportOf(past).timeline.at(-1)).toMatchObject({ kind: 'rolled-back', subject: 'v1', title: 'rolled back from v2 to v1: live reward dropped' });
  });

  it('draws about sixty live points over the log by default, never fewer than 50 decisions each', () => {
    expect(defaultLiveBucket(0)).toBe(50);
    expect(defaultLiveBucket(3000)).toBe(50);
    expect(defaultLiveBucket(60_000)).toBe(1000);
    expect(defaultLiveBucket(60_001)).toBe(1001);
  });
});

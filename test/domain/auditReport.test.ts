import { describe, expect, it } from 'vitest';
import { createAuditReportBuilder, defaultLiveBucket, type AuditReport } from '../../src/domain/auditReport.js';
import { decideCycle, type Learner } from '../../src/domain/cycle.js';
import { DEFAULT_POLICY } from '../../src/events/model/promotionPolicy.js';
import { decideRecord } from '../../src/domain/record.js';
import { decideRollback } from '../../src/domain/rollback.js';
import type { DomainEvent, StoredEvent } from '../../src/events/catalogue.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState, type MemabraState } from '../../src/projections/state.js';
import { stored } from '../support/fixtures.js';
import { baselineRegistered, context, trajectoryRecorded } from '../support/givenWhenThen.js';
import { baselineVersion, simulatedTrajectories, smallSuite, testCycleOptions } from '../support/learningFixtures.js';

const trajectory = (id: string, reward: number, routerVersionId: string) => trajectoryRecorded({ id, input: `request ${id}`, reward, routerVersionId });

function reportOf(events: readonly StoredEvent[], bucket = 10): AuditReport {
  const builder = createAuditReportBuilder(bucket);
  events.forEach(builder.add);
  return builder.build(foldEvents(initialState, events));
}

/** A baseline router with other thresholds: a challenger in no time, scored and gated for real. */
const thresholdLearner: Learner = ({ id, label, createdAt, parentId, explorationRate }) => ({ id, label, createdAt, parentId, explorationRate, kind: 'baseline', params: { minScore: 0.5, compositeMinScore: 0.6 } });

/** A log built through the real decide functions, as the cycle's own tests build theirs. */
class Log {
  events: StoredEvent[] = [];
  state: MemabraState = initialState;
  append(events: readonly DomainEvent[]): void {
    const added = stored(events, this.events.length + 1);
    this.events.push(...added);
    this.state = foldEvents(this.state, added);
  }
  ctx() {
    return context(new Date(Date.parse('2026-11-25T12:00:00.000Z') + this.events.length * 1000).toISOString(), 10_000 + 100 * this.events.length);
  }
  record(from: number): void {
    const inputs = simulatedTrajectories(baselineVersion(), from, 20, from);
    const result = decideRecord({ trajectories: inputs }, this.state, this.ctx());
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    this.append(result.value);
  }
  async cycle(dryRun: boolean, minRewardDelta: number): Promise<void> {
    const trajectories = this.events.flatMap((e) => (e.type === 'TrajectoryRecorded' ? [{ seq: e.seq, trajectory: e.data.trajectory }] : []));
    const options = testCycleOptions({ dryRun, policy: { ...DEFAULT_POLICY, bootstrapResamples: 100, minRewardDelta } });
    const result = await decideCycle({ state: this.state, trajectories, benchmark: smallSuite(120), options, context: this.ctx(), learner: thresholdLearner });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    this.append(result.value);
  }
  rollback(target: string): void {
    const result = decideRollback({ target, reason: 'checking' }, this.state);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    this.append(result.value);
  }
}

describe('the audit report', () => {
  it('given decisions of two versions, then each gets one live point per bucket, and one for its remainder at its last decision', () => {
    const events = stored([baselineRegistered('A'), trajectory('1', 1, 'A'), trajectory('2', 0, 'A'), trajectory('3', 1, 'B'), trajectory('4', 1, 'A')]);
    expect(reportOf(events, 2).live).toEqual([
      { versionId: 'A', seq: 3, value: 0.5, count: 2 },
      { versionId: 'B', seq: 4, value: 1, count: 1 },
      { versionId: 'A', seq: 5, value: 1, count: 1 },
    ]);
  });

  it('given a promotion, a dry run, a rejection and a rollback, then challengers, spans, fates and the timeline tell the same story', async () => {
    const log = new Log();
    log.append([baselineRegistered(baselineVersion().id, 'v1')]);
    log.record(0);
    await log.cycle(false, -1); // every challenger passes the reward gate: v2 promoted
    log.record(20);
    await log.cycle(true, -1); // v3, in a dry run
    log.record(40);
    await log.cycle(false, 1); // no challenger can gain 1: v4 rejected
    log.rollback('v1');
    const report = reportOf(log.events);
    const seqOf = (type: string, nth = 0) => log.events.filter((e) => e.type === type)[nth]!.seq;

    expect(report.challengers.map((c) => [c.label, c.outcome, c.seq])).toEqual([
      ['v2', 'promoted', seqOf('ChallengerEvaluated', 0)],
      ['v3', 'dry-run', seqOf('ChallengerEvaluated', 1)],
      ['v4', 'rejected', seqOf('ChallengerEvaluated', 2)],
    ]);
    expect(report.spans.map((s) => [s.label, s.via, s.fromSeq, s.toSeq])).toEqual([
      ['v1', 'registered', 1, seqOf('ChallengerPromoted')],
      ['v2', 'promoted', seqOf('ChallengerPromoted'), seqOf('RouterRolledBack')],
      ['v1', 'rolled-back', seqOf('RouterRolledBack'), log.events.length],
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
    const events = stored([
      baselineRegistered('A', 'v1'),
      { ...baselineRegistered('B', 'v2'), data: { ...(baselineRegistered('B', 'v2').data as object), reason: 'import' } } as DomainEvent,
      { type: 'RouterRolledBack', data: { fromVersionId: 'B', toVersionId: 'A', reason: 'live reward dropped' } },
    ]);
    expect(reportOf(events).timeline.at(-1)).toMatchObject({ kind: 'rolled-back', subject: 'v1', title: 'rolled back from v2 to v1: live reward dropped' });
  });

  it('draws about sixty live points over the log by default, never fewer than 50 decisions each', () => {
    expect(defaultLiveBucket(0)).toBe(50);
    expect(defaultLiveBucket(3000)).toBe(50);
    expect(defaultLiveBucket(60_000)).toBe(1000);
    expect(defaultLiveBucket(60_001)).toBe(1001);
  });
});

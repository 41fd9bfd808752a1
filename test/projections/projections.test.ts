import { describe, it } from 'vitest';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { EXTERNAL_DECISIONS, isSeen } from '../../src/projections/state.js';
import { caseCount, caseOf } from '../../src/projections/caseTable.js';
import { DEFAULT_POLICY } from '../../src/events/model/promotionPolicy.js';
import { trajectoryRecorded } from '../support/givenWhenThen.js';
import { givenEvents } from '../support/projectionSpec.js';

const baseline = (id: string, label: string) =>
  ({
    id,
    label,
    createdAt: '2026-11-25T10:00:00.000Z',
    parentId: null,
    explorationRate: 0.1,
    kind: 'baseline',
    params: { minScore: 0.3, compositeMinScore: 0.4 },
  }) as const;

const trajectory = (id: string, input: string, reward: number, routerVersionId?: string) =>
  trajectoryRecorded({ id, input, reward, routerVersionId, error: reward < 0.5 ? 'wrong' : null });

describe('projections', () => {
  it('given a registered baseline, then it is active with no prior version', () => {
    const spec = givenEvents({ type: 'RouterRegistered', data: { version: baseline('A', 'v1'), activate: true, reason: 'init' } });
    spec.thenStateMatches((s) => s.active, { versionId: 'A', source: { type: 'registered', reason: 'init' }, priorVersionId: null });
    spec.thenState((s) => s.versions.get('A')?.origin, { type: 'registered', reason: 'init' });
  });

  it('given a rollback, then the target is active and the prior is the version it replaced; history keeps both', () => {
    const spec = givenEvents(
      { type: 'RouterRegistered', data: { version: baseline('A', 'v1'), activate: true, reason: 'init' } },
      { type: 'RouterRegistered', data: { version: baseline('B', 'v2'), activate: true, reason: 'import' } },
      { type: 'RouterRolledBack', data: { fromVersionId: 'B', toVersionId: 'A', reason: 'worse live reward' } },
    );
    spec.thenStateMatches((s) => s.active, { versionId: 'A', priorVersionId: 'B', source: { type: 'rolled-back', reason: 'worse live reward' } });
    spec.thenState((s) => [...s.versions.keys()], ['A', 'B']);
  });

  it('keeps per-version live reward statistics, with imported decisions apart', () => {
    const spec = givenEvents(trajectory('T1', 'a', 1, 'A'), trajectory('T2', 'b', 0, 'A'), trajectory('T3', 'c', 1));
    spec.thenState((s) => s.liveStats.get('A'), { count: 2, rewardSum: 1, errorCount: 1, loggedCount: 0 });
    spec.thenState((s) => s.liveStats.get(EXTERNAL_DECISIONS), { count: 1, rewardSum: 1, errorCount: 0, loggedCount: 0 });
  });

  it('indexes the best trajectory per normalised request', () => {
    const spec = givenEvents(trajectory('T1', 'Text my mom!', 0.2), trajectory('T2', 'text  my MOM', 1), trajectory('T3', 'text my mom', 0.5));
    spec.thenState((s) => caseCount(s.cases), 1);
    spec.thenStateMatches((s) => caseOf(s.cases, 'text my mom'), { trajectoryId: 'T2', reward: 1 });
  });

  it('given a cycle skipped for thin held-out evidence, then its report names that gate, not the new-trajectory count it met', () => {
    const started: DomainEvent = {
      type: 'CycleStarted',
      data: {
        cycleId: 'C1',
        baselineVersionId: 'A',
        evidence: { type: 'held-out', rule: { method: 'sha256-trajectory-id', share: 0.2 } },
        policy: DEFAULT_POLICY,
        options: { dryRun: false, minNewTrajectories: 1, seed: 1 },
        newTrajectories: { fromSeq: 1, toSeq: 3, count: 1 },
      },
    };
    const skipped = (thin: boolean): DomainEvent => ({
      type: 'CycleSkipped',
      data: {
        cycleId: 'C1',
        newTrajectoryCount: thin ? 1 : 0,
        minNewTrajectories: 1,
        ...(thin ? { thinEvidence: { heldOutCount: 0, requiredCount: 100, moreTrajectoriesNeeded: 500 } } : {}),
      },
    });
    givenEvents(started, skipped(true)).thenState(
      (s) => s.reports.get('C1')?.reasons,
      [{ gate: 'held-out-evidence', passed: false, value: 0, threshold: 100, message: '0 held-out trajectories, 100 needed' }],
    );
    givenEvents(started, skipped(false)).thenState(
      (s) => s.reports.get('C1')?.reasons,
      [{ gate: 'min-new-trajectories', passed: false, value: 0, threshold: 1, message: '0 new trajectories, 1 needed' }],
    );
  });

  it('marks trajectories seen only when a real cycle that consumed them ends in a decision', () => {
    const started = (cycleId: string, dryRun: boolean): DomainEvent => ({
      type: 'CycleStarted',
      data: {
        cycleId,
        baselineVersionId: 'A',
        evidence: { type: 'suite', source: 'option', benchmark: { name: 'b', version: 1, hash: '0'.repeat(64), taskCount: 1 } },
        policy: DEFAULT_POLICY,
        options: { dryRun, minNewTrajectories: 1, seed: 1 },
        newTrajectories: { fromSeq: 1, toSeq: 2, count: 2 },
      },
    });
    const rejected = (cycleId: string, dryRun: boolean): DomainEvent => ({
      type: 'ChallengerRejected',
      data: { cycleId, challengerVersionId: 'C', activeVersionId: 'A', reasons: [], dryRun, wouldPromote: false },
    });
    givenEvents(trajectory('T1', 'a', 1), trajectory('T2', 'b', 1), started('dry', true), rejected('dry', true)).thenState((s) => isSeen(s, 'T1'), false);
    const real = givenEvents(trajectory('T1', 'a', 1), trajectory('T2', 'b', 1), started('real', false), rejected('real', false), trajectory('T3', 'c', 1));
    real.thenState((s) => [isSeen(s, 'T1'), isSeen(s, 'T2'), isSeen(s, 'T3')], [true, true, false]);
    real.thenStateMatches((s) => s.reports.get('real'), { decision: 'rejected', dryRun: false });
  });
});

import { describe, expect, it } from 'vitest';
import { createAuditReportBuilder } from '../../src/domain/auditReport.js';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState } from '../../src/projections/state.js';
import { stored } from '../support/fixtures.js';
import { baselineRegistered, trajectoryRecorded } from '../support/givenWhenThen.js';

const trajectory = (id: string, reward: number, routerVersionId: string) => trajectoryRecorded({ id, input: `request ${id}`, reward, routerVersionId });

describe('the audit report', () => {
  it('given decisions of a version, then its live reward is one point per bucket, the rest flushed at the end', () => {
    const events = stored([baselineRegistered('A'), trajectory('1', 1, 'A'), trajectory('2', 0, 'A'), trajectory('3', 1, 'A')]);
    const builder = createAuditReportBuilder(2);
    events.forEach(builder.add);
    const report = builder.build(foldEvents(initialState, events));
    expect(report.live.A!.map((p) => [p.seq, p.value, p.count])).toEqual([
      [3, 0.5, 2],
      [4, 1, 1],
    ]);
    expect(report.timeline).toEqual([expect.objectContaining({ kind: 'registered', title: 'v1 (baseline) registered: init' })]);
  });

  it('puts rollbacks in the timeline with their reason, named by version label', () => {
    const events = stored([
      baselineRegistered('A', 'v1'),
      { ...baselineRegistered('B', 'v2'), data: { ...(baselineRegistered('B', 'v2').data as object), reason: 'import' } } as DomainEvent,
      { type: 'RouterRolledBack', data: { fromVersionId: 'B', toVersionId: 'A', reason: 'live reward dropped' } },
    ]);
    const builder = createAuditReportBuilder(10);
    events.forEach(builder.add);
    expect(builder.build(foldEvents(initialState, events)).timeline.at(-1)).toMatchObject({ kind: 'rolled-back', title: 'rolled back from v2 to v1', details: ['live reward dropped'] });
  });
});

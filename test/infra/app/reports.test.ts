import { describe, expect, it } from 'vitest';
import { findReport } from '../../../src/infra/app/reports.js';
import { MemabraError } from '../../../src/infra/errors.js';

/** Reports keyed by cycle id, as the projection holds them; the lookup reads only the id. */
const reportsOf = (...cycleIds: string[]) => new Map(cycleIds.map((cycleId) => [cycleId, { cycleId }]));
const refusal = (run: () => unknown): Pick<MemabraError, 'kind' | 'message'> | null => {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof MemabraError)) throw error;
    return { kind: error.kind, message: error.message };
  }
};

describe('finding a report by cycle id', () => {
  const reports = reportsOf('01JAAAA0000000000000000001', '01JAAAA0000000000000000002', '01JBBBB0000000000000000003');

  it('given the full cycle id, returns that report', () => {
    expect(findReport(reports, '01JAAAA0000000000000000002')).toEqual({ cycleId: '01JAAAA0000000000000000002' });
  });

  it('given a prefix only one cycle id starts with, returns that report', () => {
    expect(findReport(reports, '01JB')).toEqual({ cycleId: '01JBBBB0000000000000000003' });
  });

  it('given a prefix two cycle ids start with, refuses it as input rather than taking the first', () => {
    expect(refusal(() => findReport(reports, '01JAAAA'))).toEqual({ kind: 'input', message: 'report "01JAAAA" is ambiguous' });
  });

  it('given an id no report has, says so, naming where the ids are listed when told', () => {
    expect(refusal(() => findReport(reports, '01JC', '`memabra reports`'))).toEqual({ kind: 'not-found', message: 'no report "01JC" (see `memabra reports`)' });
    expect(refusal(() => findReport(reports, '01JC'))).toEqual({ kind: 'not-found', message: 'no report "01JC"' });
  });
});

import { describe, expect, it } from 'vitest';
import { checkRecordItem } from '../../src/domain/recordInput.js';
import { TrajectoryInputSchema } from '../../src/events/model/vocabulary.js';
import { trajectoryInput } from '../support/fixtures.js';

const problems = (value: unknown): readonly string[] => {
  const checked = checkRecordItem(value);
  return checked.ok ? [] : checked.problems;
};

describe('one item of record', () => {
  it("given a whole trajectory that keeps the rules, then its value is the schema's output of it", () => {
    const given = {
      ...trajectoryInput(),
      decision: { route: 'composite', selected: ['sms.send', 'mem-17'], caseMemory: { id: 'case-1', kind: 'memory', name: 'a case' } },
    };
    const checked = checkRecordItem(given);
    expect(checked).toEqual({ ok: true, value: TrajectoryInputSchema.parse(given) });
  });

  it('given a decision that breaks a rule of its candidates, then each broken rule is named', () => {
    expect(problems(trajectoryInput({ decision: { route: 'direct', selected: ['sms.send'] } }))).toEqual([
      'route "direct" selects nothing, but 1 candidate is selected',
    ]);
    expect(problems(trajectoryInput({ decision: { route: 'tool', selected: ['nowhere', 'mem-17'] } }))).toEqual([
      '"decision.selected" names "nowhere", which is not among the candidates',
      'route "tool" selects only tool candidates, but "mem-17" is a memory',
    ]);
  });

  it('given a case memory under the id of a candidate it differs from, then that is named', () => {
    const decision = { route: 'memory' as const, selected: ['mem-17'], caseMemory: { id: 'mem-17', kind: 'memory' as const, name: 'another name' } };
    expect(problems(trajectoryInput({ decision }))).toEqual(['"decision.caseMemory" differs from the candidate "mem-17"']);
  });

  it('given a schema problem elsewhere and a broken rule, then both are named in one list', () => {
    const given = trajectoryInput({ decision: { route: 'direct', selected: ['sms.send'] }, outcome: { reward: 1.5, latencyMs: 1 } });
    expect(problems(given)).toEqual(['field "outcome.reward": must be in [0, 1]', 'route "direct" selects nothing, but 1 candidate is selected']);
  });

  it('given duplicate candidate ids, then the schema names them and the rules judge the first of them', () => {
    const candidates = [
      { id: 'sms.send', kind: 'tool' as const, name: 'send_sms' },
      { id: 'sms.send', kind: 'memory' as const, name: 'a memory' },
    ];
    expect(problems(trajectoryInput({ candidates, decision: { route: 'tool', selected: ['sms.send'] } }))).toEqual([
      'field "candidates.1.id": duplicate candidate id "sms.send"',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { decideRecord } from '../../src/domain/record.js';
import { baselineRegistered, context, given } from '../support/givenWhenThen.js';
import { trajectoryInput } from '../support/fixtures.js';

describe('decideRecord', () => {
  it('given no router, when recording, then it is refused: init comes first', () => {
    expect(decideRecord({ trajectories: [trajectoryInput()] }, given(), context())).toEqual({ ok: false, error: { type: 'not-initialised' } });
  });

  it('given an initialised log, when recording live trajectories, then each gets an id, the time and source live', () => {
    const result = decideRecord({ trajectories: [trajectoryInput(), trajectoryInput()] }, given(baselineRegistered()), context('2026-11-25T12:00:00.000Z', 5));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const trajectories = result.value.map((e) => e.data.trajectory);
    expect(trajectories.map((t) => [t.source, t.recordedAt])).toEqual([
      ['live', '2026-11-25T12:00:00.000Z'],
      ['live', '2026-11-25T12:00:00.000Z'],
    ]);
    expect(new Set(trajectories.map((t) => t.id)).size).toBe(2);
  });

  it('keeps the id and time of imported history and marks it as an import', () => {
    const input = trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ', recordedAt: '2025-01-01T00:00:00.000Z' });
    const result = decideRecord({ trajectories: [input] }, given(baselineRegistered()), context());
    expect(result.ok && result.value[0]!.data.trajectory).toMatchObject({ id: input.id, recordedAt: '2025-01-01T00:00:00.000Z', source: 'import' });
  });

  it('given a recorded id, when recording it again, then the whole batch is refused naming the id and where it is', () => {
    const first = decideRecord({ trajectories: [trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' })] }, given(baselineRegistered()), context());
    if (!first.ok) throw new Error('setup');
    const state = given(baselineRegistered(), ...first.value);
    expect(decideRecord({ trajectories: [trajectoryInput(), trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' })] }, state, context())).toEqual({
      ok: false,
      error: { type: 'duplicate-trajectory', trajectoryId: '01HZZZZZZZZZZZZZZZZZZZZZZZ', where: 'at seq 2' },
    });
  });

  it('refuses a batch that repeats an id within itself', () => {
    const input = trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' });
    const result = decideRecord({ trajectories: [input, input] }, given(baselineRegistered()), context());
    expect(result).toEqual({ ok: false, error: { type: 'duplicate-trajectory', trajectoryId: input.id, where: 'items 1 and 2 of this batch' } });
  });
});

import { describe, it } from 'vitest';
import { decideRecord } from '../../src/domain/record.js';
import type { EventOf } from '../../src/events/catalogue.js';
import type { Trajectory, TrajectoryInput } from '../../src/events/model/vocabulary.js';
import { baselineRegistered, context, decider } from '../support/givenWhenThen.js';
import { sequentialIds, trajectoryInput } from '../support/fixtures.js';

const record = decider(decideRecord);
const NOW = '2026-11-25T12:00:00.000Z';
const recorded = (input: TrajectoryInput, stamped: Pick<Trajectory, 'id' | 'recordedAt' | 'source'>): EventOf<'TrajectoryRecorded'> => ({
  type: 'TrajectoryRecorded',
  data: { trajectory: { ...input, ...stamped } as Trajectory },
});

describe('decideRecord', () => {
  it('given no router, when recording, then it is refused: init comes first', () => {
    record
      .given()
      .when({ trajectories: [trajectoryInput()] })
      .thenRefuses({ type: 'not-initialised' });
  });

  it('given an initialised log, when recording live trajectories, then each gets an id of its own, the time and source live', () => {
    const ids = sequentialIds(5);
    record
      .given(baselineRegistered())
      .when({ trajectories: [trajectoryInput(), trajectoryInput()] }, context(NOW, 5))
      .then(
        recorded(trajectoryInput(), { id: ids(), recordedAt: NOW, source: 'live' }),
        recorded(trajectoryInput(), { id: ids(), recordedAt: NOW, source: 'live' }),
      );
  });

  it('keeps the id and time of imported history and marks it as an import', () => {
    const input = trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ', recordedAt: '2025-01-01T00:00:00.000Z' });
    record
      .given(baselineRegistered())
      .when({ trajectories: [input] })
      .then(recorded(input, { id: '01HZZZZZZZZZZZZZZZZZZZZZZZ', recordedAt: '2025-01-01T00:00:00.000Z', source: 'import' }));
  });

  it('given a recorded id, when recording it again, then the whole batch is refused naming the id and where it is', () => {
    const past = record
      .given(baselineRegistered())
      .when({ trajectories: [trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' })] })
      .appended();
    record
      .given(past)
      .when({ trajectories: [trajectoryInput(), trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' })] })
      .thenRefuses({ type: 'duplicate-trajectory', trajectoryId: '01HZZZZZZZZZZZZZZZZZZZZZZZ', where: 'at seq 2' });
  });

  it('refuses a batch that repeats an id within itself', () => {
    const input = trajectoryInput({ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' });
    record
      .given(baselineRegistered())
      .when({ trajectories: [input, input] })
      .thenRefuses({ type: 'duplicate-trajectory', trajectoryId: input.id!, where: 'items 1 and 2 of this batch' });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suiteRef } from '../../src/domain/benchmark/benchmarkSuite.js';
import { CYCLE_WINDOW, cycleWindow } from '../../src/domain/cycleWindow.js';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { baselineRegistered, history, trajectoryRecorded } from '../support/givenWhenThen.js';
import { smallSuite } from '../support/learningFixtures.js';

const registered: DomainEvent = {
  type: 'BenchmarkRegistered',
  data: { benchmark: suiteRef(smallSuite(5)), storage: { type: 'file', path: 'benchmarks/suite.json' } },
};

/** A log of trajectories (true) and other events (false), in the order given, after the baseline's registration. */
function logOf(kinds: readonly boolean[]) {
  let n = 0;
  const events = kinds.map((isTrajectory) =>
    isTrajectory ? trajectoryRecorded({ id: `T${String(++n).padStart(25, '0')}`, input: `request ${n}`, reward: 1 }) : registered,
  );
  const past = history(baselineRegistered(), ...events);
  const trajectorySeqs = past.log.filter((e) => e.type === 'TrajectoryRecorded').map((e) => e.seq);
  return { state: past.state, trajectorySeqs };
}

describe('cycleWindow', () => {
  it('is the seq range of the latest `size` trajectories, from the first of them to the last seq; all of them when the log holds fewer', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), fc.integer({ min: 0, max: 70 }), (kinds, size) => {
        const { state, trajectorySeqs } = logOf(kinds);
        const window = cycleWindow(state, size);
        const inside = trajectorySeqs.filter((seq) => seq >= window.fromSeq);
        expect(window.toSeq).toBe(state.lastSeq);
        expect(window.count).toBe(Math.min(size, trajectorySeqs.length));
        expect(inside).toHaveLength(window.count);
        expect(window.fromSeq).toBe(window.count === 0 ? state.lastSeq + 1 : trajectorySeqs[trajectorySeqs.length - window.count]);
      }),
      {
        examples: [
          [[true, false, true, true, false], 2],
          [[false, false], 1],
          [[true, true, true], 3],
          [[], 0],
        ],
      },
    );
  });

  it('holds 20,000 trajectories by default', () => {
    const { state } = logOf([true, false, true]);
    expect(CYCLE_WINDOW).toBe(20_000);
    expect(cycleWindow(state)).toEqual({ fromSeq: 2, toSeq: 4, count: 2 });
  });
});

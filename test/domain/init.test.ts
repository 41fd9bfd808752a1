import { describe, expect, it } from 'vitest';
import { suiteRef } from '../../src/domain/benchmark/benchmarkSuite.js';
import { decideInit, initialisedVersion } from '../../src/domain/init.js';
import { baselineRegistered, decider } from '../support/givenWhenThen.js';
import { smallSuite } from '../support/learningFixtures.js';

const init = decider(decideInit);

describe('decideInit', () => {
  it('given an empty log, when init, then the baseline is registered as v1 and activated, exploring as asked', () => {
    init
      .given()
      .when({ explorationRate: 0.05, runnerUpShare: 0.5 })
      .then({
        type: 'RouterRegistered',
        data: {
          version: expect.objectContaining({
            kind: 'baseline',
            label: 'v1',
            parentId: null,
            explorationRate: 0.05,
            runnerUpShare: 0.5,
            createdAt: '2026-11-25T12:00:00.000Z',
          }),
          activate: true,
          reason: 'init',
        },
      });
  });

  it('given an empty log, when init with a suite, then the baseline and the suite as its gate are registered in one decision, and init answers the baseline', () => {
    const suite = smallSuite(20);
    const initialised = init.given().when({ explorationRate: 0.1, runnerUpShare: 0.5, benchmark: { suite, storage: { type: 'bundled' } } });
    const events = initialised.events();
    expect(events.map((event) => event.type)).toEqual(['RouterRegistered', 'BenchmarkRegistered']);
    expect(events[1]).toEqual({ type: 'BenchmarkRegistered', data: { benchmark: suiteRef(suite), storage: { type: 'bundled' } } });
    expect(initialisedVersion(events)).toMatchObject({ kind: 'baseline', label: 'v1' });
    initialised.thenStateMatches((state) => state.benchmark, { ref: suiteRef(suite), seq: 2 });
  });

  it('given a registered router, when init, then it is refused and nothing changes', () => {
    init.given(baselineRegistered('A')).when({ explorationRate: 0.1, runnerUpShare: 0.5 }).thenRefuses({ type: 'already-initialised', activeVersionId: 'A' });
  });
});

import { describe, expect, it } from 'vitest';
import { decideInit } from '../../src/domain/init.js';
import { baselineRegistered, decider } from '../support/givenWhenThen.js';

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

  it('given a registered router, when init, then it is refused and nothing changes', () => {
    init.given(baselineRegistered('A')).when({ explorationRate: 0.1, runnerUpShare: 0.5 }).thenRefuses({ type: 'already-initialised', activeVersionId: 'A' });
  });
});

import { describe, expect, it } from 'vitest';
import { decideInit } from '../../src/domain/init.js';
import { baselineRegistered, context, given } from '../support/givenWhenThen.js';

describe('decideInit', () => {
  it('given an empty log, when init, then the baseline is registered as v1 and activated', () => {
    const result = decideInit({ explorationRate: 0.05 }, given(), context());
    expect(result).toEqual({
      ok: true,
      value: [
        {
          type: 'RouterRegistered',
          data: {
            version: expect.objectContaining({ kind: 'baseline', label: 'v1', parentId: null, explorationRate: 0.05, createdAt: '2026-11-25T12:00:00.000Z' }),
            activate: true,
            reason: 'init',
          },
        },
      ],
    });
  });

  it('given a registered router, when init, then it is refused and nothing changes', () => {
    expect(decideInit({ explorationRate: 0.1 }, given(baselineRegistered('A')), context())).toEqual({
      ok: false,
      error: { type: 'already-initialised', activeVersionId: 'A' },
    });
  });
});

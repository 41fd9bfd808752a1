import { describe, expect, it } from 'vitest';
import { decideRollback } from '../../src/domain/rollback.js';
import { baselineRegistered, given } from '../support/givenWhenThen.js';

const twoVersions = () => given(baselineRegistered('01J0000000000000000000000A', 'v1'), {
  ...baselineRegistered('01J0000000000000000000000B', 'v2'),
  data: { ...(baselineRegistered('01J0000000000000000000000B', 'v2').data as object), reason: 'import' },
} as never);

describe('decideRollback', () => {
  it('given v2 active, when rolling back to v1 by label, then RouterRolledBack from v2 to v1 with the reason', () => {
    expect(decideRollback({ target: 'v1', reason: 'regressed' }, twoVersions())).toEqual({
      ok: true,
      value: [{ type: 'RouterRolledBack', data: { fromVersionId: '01J0000000000000000000000B', toVersionId: '01J0000000000000000000000A', reason: 'regressed' } }],
    });
  });

  it('accepts a full id or a unique id prefix', () => {
    const state = twoVersions();
    expect(decideRollback({ target: '01J0000000000000000000000A', reason: null }, state).ok).toBe(true);
    expect(decideRollback({ target: '01J0000000000000000000000', reason: null }, state)).toMatchObject({ ok: false, error: { type: 'version-ambiguous' } });
  });

  it('refuses a version that does not exist', () => {
    expect(decideRollback({ target: 'v9', reason: null }, twoVersions())).toEqual({ ok: false, error: { type: 'version-not-found', ref: 'v9' } });
  });

  it('refuses the version that is already active', () => {
    expect(decideRollback({ target: 'v2', reason: null }, twoVersions())).toEqual({
      ok: false,
      error: { type: 'already-active', versionId: '01J0000000000000000000000B', label: 'v2' },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { decideRollback } from '../../src/domain/rollback.js';
import { decided, refused, type Decided } from '../../src/domain/domainError.js';
import type { EventOf } from '../../src/events/catalogue.js';
import { appended, baselineRegistered, decider, history } from './givenWhenThen.js';
import { givenEvents } from './projectionSpec.js';

const rollback = decider(decideRollback);
const twoVersions = [baselineRegistered('A', 'v1'), baselineRegistered('B', 'v2')];
const rolledBack = (from: string, to: string, reason: string | null): EventOf<'RouterRolledBack'> => ({
  type: 'RouterRolledBack',
  data: { fromVersionId: from, toVersionId: to, reason },
});

// The specifications are only as good as their ability to fail: each `then` is shown failing on what it must refuse.
describe('decider specifications', () => {
  it('then: passes on exactly the decided events, fails on others, on fewer and on a refusal', () => {
    rollback
      .given(...twoVersions)
      .when({ target: 'v1', reason: 'r' })
      .then(rolledBack('B', 'A', 'r'));
    expect(() =>
      rollback
        .given(...twoVersions)
        .when({ target: 'v1', reason: 'r' })
        .then(rolledBack('B', 'A', 'other')),
    ).toThrow();
    expect(() =>
      rollback
        .given(...twoVersions)
        .when({ target: 'v1', reason: 'r' })
        .then(),
    ).toThrow();
    expect(() =>
      rollback
        .given(...twoVersions)
        .when({ target: 'v9', reason: 'r' })
        .then(rolledBack('B', 'A', 'r')),
    ).toThrow(/refused: .*version-not-found/);
  });

  it('thenRefuses: by kind, whole error, message or test; fails on another refusal and on a decision', () => {
    const missing = rollback.given(...twoVersions).when({ target: 'v9', reason: null });
    missing.thenRefuses('version-not-found');
    missing.thenRefuses({ type: 'version-not-found', ref: 'v9' });
    missing.thenRefuses(/"v9" does not exist/);
    missing.thenRefuses((error) => error.type === 'version-not-found');
    expect(() => missing.thenRefuses('already-active')).toThrow();
    expect(() => missing.thenRefuses({ type: 'version-not-found', ref: 'v8' })).toThrow();
    expect(() => missing.thenRefuses(/already active/)).toThrow();
    expect(() => missing.thenRefuses(() => false)).toThrow();
    expect(() =>
      rollback
        .given(...twoVersions)
        .when({ target: 'v1', reason: null })
        .thenRefuses('version-not-found'),
    ).toThrow(/decided/);
  });

  it('thenState folds the decided events onto the given state; appended() is the next given', () => {
    const when = rollback.given(...twoVersions).when({ target: 'v1', reason: null });
    when.thenState((s) => s.active?.versionId, 'A');
    when.thenStateMatches((s) => s.active, { versionId: 'A', priorVersionId: 'B' });
    expect(() => when.thenState((s) => s.active?.versionId, 'B')).toThrow();
    const after = when.appended();
    expect(after.log.map((e) => e.seq)).toEqual([1, 2, 3]);
    rollback.given(after).when({ target: 'v1', reason: null }).thenRefuses('already-active');
    expect(appended(history(...twoVersions), [rolledBack('B', 'A', null)]).state).toEqual(history(...twoVersions, rolledBack('B', 'A', null)).state);
  });

  it('an asynchronous decider answers promises, decided once however often it is asked', async () => {
    let calls = 0;
    const slow = decider(async (ref: string, state): Promise<Decided<EventOf<'RouterRolledBack'>[]>> => {
      calls += 1;
      return ref === 'none' ? refused({ type: 'version-not-found', ref }) : decided([rolledBack(state.active!.versionId, ref, null)]);
    });
    const when = slow.given(...twoVersions).when('A');
    await when.then(rolledBack('B', 'A', null));
    await when.thenState((s) => s.active?.versionId, 'A');
    expect(calls).toBe(1);
    await expect(when.then()).rejects.toThrow();
    await slow
      .given(...twoVersions)
      .when('none')
      .thenRefuses('version-not-found');
  });

  it('awaiting a When itself, instead of one of its assertions, fails at once rather than hanging', async () => {
    await expect((async () => await (rollback.given(...twoVersions).when({ target: 'v1', reason: null }) as unknown as Promise<unknown>))()).rejects.toThrow(
      /not a promise/,
    );
  });
});

describe('projection specifications', () => {
  it('thenState reads the folded read model and fails on another', () => {
    const spec = givenEvents(...twoVersions, rolledBack('B', 'A', 'worse'));
    spec.thenState((s) => [...s.versions.keys()], ['A', 'B']);
    spec.thenStateMatches((s) => s.active, { versionId: 'A', source: { type: 'rolled-back' } });
    expect(() => spec.thenState((s) => s.active?.versionId, 'B')).toThrow();
    expect(() => spec.thenStateMatches((s) => s.active, { versionId: 'B' })).toThrow();
  });

  it('thenState fails when folding one event at a time reads differently from one batch', () => {
    let call = 0;
    // A selector that answers differently on its second look stands in for a fold that depends on batching.
    expect(() => givenEvents(...twoVersions).thenState(() => ++call, 1)).toThrow(/one event at a time/);
  });
});

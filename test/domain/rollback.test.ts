import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRollback } from '../../src/domain/rollback.js';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { foldEvents } from '../../src/projections/fold.js';
import type { MemabraState } from '../../src/projections/state.js';
import { stored } from '../support/fixtures.js';
import { baselineRegistered, given } from '../support/givenWhenThen.js';

const versionId = (n: number) => `01J00000000000000000000${String(n).padStart(3, '0')}`;
/** Version n registered from outside a cycle (an import), activated or not; v1 is always activated. */
const registered = (n: number, activate: boolean): DomainEvent => {
  const event = baselineRegistered(versionId(n), `v${n}`) as Extract<DomainEvent, { type: 'RouterRegistered' }>;
  return { ...event, data: { ...event.data, activate: n === 1 || activate, reason: n === 1 ? 'init' : 'import' } } as DomainEvent;
};

/** Applies decided events the way the store would: stamped after what the state holds. */
const apply = (state: MemabraState, events: readonly DomainEvent[]) => foldEvents(state, stored(events, state.lastSeq + 1));

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

  it('round-trips: rolling back to any other version and then back restores the active version, and keeps every version and report', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.nat(), (count, activations, pick) => {
        const state = given(...Array.from({ length: count }, (_, i) => registered(i + 1, activations[i]!)));
        const original = state.active!.versionId;
        const others = [...state.versions.keys()].filter((id) => id !== original);
        const target = others[pick % others.length]!;
        const there = decideRollback({ target, reason: 'try it' }, state);
        if (!there.ok) throw new Error(JSON.stringify(there.error));
        const away = apply(state, there.value);
        expect(away.active!.versionId).toBe(target);
        const back = decideRollback({ target: original, reason: 'back' }, away);
        if (!back.ok) throw new Error(JSON.stringify(back.error));
        const home = apply(away, back.value);
        expect(home.active!.versionId).toBe(original);
        expect([...home.versions.keys()]).toEqual([...state.versions.keys()]);
        expect([...home.versions.values()].map((entry) => entry.version)).toEqual([...state.versions.values()].map((entry) => entry.version));
        expect(home.reports).toEqual(state.reports);
        expect(home.lastSeq).toBe(state.lastSeq + 2); // history is kept: two new events, nothing rewritten
      }),
    );
  });

  it('the active router is always a registered one, whatever registrations and rollbacks (refused ones included) come in', () => {
    type Step = { kind: 'register'; activate: boolean } | { kind: 'rollback'; target: string };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      fc.boolean().map((activate) => ({ kind: 'register' as const, activate })),
      fc.oneof(fc.integer({ min: 1, max: 9 }).map((n) => `v${n}`), fc.integer({ min: 1, max: 9 }).map(versionId), fc.constantFrom('01J', 'nope', ''))
        .map((target) => ({ kind: 'rollback' as const, target })),
    );
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        let state = given();
        let registeredCount = 0;
        for (const step of steps) {
          if (step.kind === 'register') state = apply(state, [registered(++registeredCount, step.activate)]);
          else {
            const decided = decideRollback({ target: step.target, reason: null }, state);
            if (decided.ok) state = apply(state, decided.value);
          }
          if (state.active) expect(state.versions.has(state.active.versionId)).toBe(true);
          else expect(registeredCount).toBe(0);
        }
      }),
    );
  });
});

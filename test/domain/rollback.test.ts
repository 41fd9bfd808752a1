import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRollback } from '../../src/domain/rollback.js';
import type { DomainEvent, EventOf } from '../../src/events/catalogue.js';
import { appended, baselineRegistered, decider, history } from '../support/givenWhenThen.js';

const rollback = decider(decideRollback);
const versionId = (n: number) => `01J00000000000000000000${String(n).padStart(3, '0')}`;
/** Version n registered from outside a cycle (an import), activated or not; v1 is always activated. */
const registered = (n: number, activate: boolean): DomainEvent => {
  const event = baselineRegistered(versionId(n), `v${n}`) as EventOf<'RouterRegistered'>;
  return { ...event, data: { ...event.data, activate: n === 1 || activate, reason: n === 1 ? 'init' : 'import' } };
};
const rolledBack = (fromVersionId: string, toVersionId: string, reason: string | null): EventOf<'RouterRolledBack'> => ({
  type: 'RouterRolledBack',
  data: { fromVersionId, toVersionId, reason },
});

const A = '01J0000000000000000000000A';
const B = '01J0000000000000000000000B';
/** v1 (A) registered at init, v2 (B) imported and activated. */
const twoVersions = [
  baselineRegistered(A, 'v1'),
  { ...baselineRegistered(B, 'v2'), data: { ...(baselineRegistered(B, 'v2') as EventOf<'RouterRegistered'>).data, reason: 'import' } } as DomainEvent,
];

describe('decideRollback', () => {
  it('given v2 active, when rolling back to v1 by label, then RouterRolledBack from v2 to v1 with the reason', () => {
    rollback
      .given(...twoVersions)
      .when({ target: 'v1', reason: 'regressed' })
      .then(rolledBack(B, A, 'regressed'));
  });

  it('accepts a full id or a unique id prefix', () => {
    rollback
      .given(...twoVersions)
      .when({ target: A, reason: null })
      .then(rolledBack(B, A, null));
    rollback
      .given(...twoVersions)
      .when({ target: '01J0000000000000000000000', reason: null })
      .thenRefuses('version-ambiguous');
  });

  it('refuses a version that does not exist', () => {
    rollback
      .given(...twoVersions)
      .when({ target: 'v9', reason: null })
      .thenRefuses({ type: 'version-not-found', ref: 'v9' });
  });

  it('refuses the version that is already active', () => {
    rollback
      .given(...twoVersions)
      .when({ target: 'v2', reason: null })
      .thenRefuses({ type: 'already-active', versionId: B, label: 'v2' });
  });

  it('round-trips: rolling back to any other version and then back restores the active version, and keeps every version and report', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.nat(), (count, activations, pick) => {
        const past = history(...Array.from({ length: count }, (_, i) => registered(i + 1, activations[i]!)));
        const { state } = past;
        const original = state.active!.versionId;
        const others = [...state.versions.keys()].filter((id) => id !== original);
        const target = others[pick % others.length]!;
        const away = rollback.given(past).when({ target, reason: 'try it' }).appended();
        expect(away.state.active!.versionId).toBe(target);
        const home = rollback.given(away).when({ target: original, reason: 'back' }).appended().state;
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
      fc
        .oneof(
          fc.integer({ min: 1, max: 9 }).map((n) => `v${n}`),
          fc.integer({ min: 1, max: 9 }).map(versionId),
          fc.constantFrom('01J', 'nope', ''),
        )
        .map((target) => ({ kind: 'rollback' as const, target })),
    );
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        let past = history();
        let registeredCount = 0;
        for (const step of steps) {
          if (step.kind === 'register') past = appended(past, [registered(++registeredCount, step.activate)]);
          else {
            const decided = rollback.given(past).when({ target: step.target, reason: null }).decision();
            if (decided.ok) past = appended(past, decided.value);
          }
          const { state } = past;
          if (state.active) expect(state.versions.has(state.active.versionId)).toBe(true);
          else expect(registeredCount).toBe(0);
        }
      }),
    );
  });
});

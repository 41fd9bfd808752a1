import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { caseCount, caseEntries, caseOf, emptyCaseIndex } from '../../src/projections/caseTable.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState, type MemabraState } from '../../src/projections/state.js';
import { deserialiseState, sameState, serialiseState } from '../../src/projections/stateCodec.js';
import { stored, trajectoryArb } from '../support/fixtures.js';

/**
 * Trajectories over a few requests (so later ones replace, tie with or lose to earlier cases), some of
 * them wider than latin1 or holding half a surrogate pair, with ids that name them.
 */
const requestArb = fc.constantFrom(
  'text my mom',
  'Text my MOM!',
  'weather in paris',
  'Éclair recipe',
  '日本語の入力',
  'emoji \ud83d\ude00 here',
  'cut \ud83d',
  '',
);
const logArb = fc.array(fc.tuple(trajectoryArb('01J00000000000000000000000'), requestArb), { maxLength: 60 }).map((pairs) =>
  pairs.map(([trajectory, input], i): DomainEvent => ({
    type: 'TrajectoryRecorded',
    data: { trajectory: { ...trajectory, id: `01J${String(i).padStart(23, '0')}`, task: { input } } },
  })),
);

/** The state a snapshot of `state` loads as. */
function throughSnapshot(state: MemabraState): MemabraState {
  const loaded = deserialiseState(serialiseState(state));
  expect(loaded).not.toBeNull();
  return loaded!;
}

const byKey = (state: MemabraState) => [...caseEntries(state.cases)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('the case index, loaded from a snapshot and folded on', () => {
  it('answers as the fold from the start: every lookup, the count and the entries, however the log is cut', () => {
    fc.assert(
      fc.property(logArb, fc.nat(), fc.nat(), (events, cut, again) => {
        const all = stored(events);
        const k = events.length ? cut % (events.length + 1) : 0;
        const folded = foldEvents(initialState, all);
        const opened = foldEvents(throughSnapshot(foldEvents(initialState, all.slice(0, k))), all.slice(k));
        // And a snapshot of that state, its own changes on top of the snapshot it came from, folded on again.
        const j = k + (all.length - k ? again % (all.length - k + 1) : 0);
        const reopened = foldEvents(throughSnapshot(foldEvents(throughSnapshot(foldEvents(initialState, all.slice(0, k))), all.slice(k, j))), all.slice(j));
        for (const state of [opened, reopened]) {
          expect(caseCount(state.cases)).toBe(caseCount(folded.cases));
          expect(byKey(state)).toEqual(byKey(folded));
          for (const [key, entry] of caseEntries(folded.cases)) expect(caseOf(state.cases, key)).toEqual(entry);
          expect(caseOf(state.cases, 'a request never made')).toBeUndefined();
          expect(sameState(state, folded)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('leaves the state it was loaded into as it was when a fold changes its cases', () => {
    fc.assert(
      fc.property(logArb, logArb, (first, second) => {
        const loaded = throughSnapshot(foldEvents(initialState, stored(first)));
        const before = byKey(loaded);
        foldEvents(loaded, stored(second, first.length + 1));
        expect(byKey(loaded)).toEqual(before);
        expect(caseCount(loaded.cases)).toBe(before.length);
      }),
      { numRuns: 80 },
    );
  });

  it('is empty in a new state', () => {
    expect(caseCount(initialState.cases)).toBe(0);
    expect([...caseEntries(emptyCaseIndex)]).toEqual([]);
  });
});

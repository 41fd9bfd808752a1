import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HELD_OUT_RULE, idPosition, isHeldOut, trajectoriesForHeldOut } from '../../../src/domain/evaluation/heldOutShare.js';
import { createDatasetBuilder, type Placement } from '../../../src/domain/training/dataset.js';
import { DEFAULT_FEATURES } from '../../../src/domain/training/trainer.js';
import type { Trajectory } from '../../../src/events/model/vocabulary.js';
import { sequentialIds, trajectoryArb } from '../../support/fixtures.js';

const ulidArb = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);
/** Logs of distinct trajectory ids, about half of them with a propensity. */
const logArb = fc.uniqueArray(ulidArb, { minLength: 1, maxLength: 60 }).chain((ids) => fc.tuple(...ids.map((id) => trajectoryArb(id))));

function placements(trajectories: readonly Trajectory[]): { placed: Placement[]; trained: number } {
  const builder = createDatasetBuilder(DEFAULT_FEATURES, new Set(), DEFAULT_HELD_OUT_RULE);
  const placed = trajectories.map((t, i) => builder.add(t, i + 1));
  return { placed, trained: builder.build().samples.count };
}

describe('the held-out share', () => {
  it('holds out about its share of the ids memabra assigns, by a rule anyone can recompute', () => {
    const next = sequentialIds(1);
    const ids = Array.from({ length: 20_000 }, () => next());
    const share = ids.filter((id) => idPosition(id) < 0.2).length / ids.length;
    expect(share).toBeGreaterThan(0.19);
    expect(share).toBeLessThan(0.21);
    // sha256("01J0000000000000000000000A") begins with 5a32ca13: 0x5a32ca13 / 2^32 = 0.3523, not held out.
    expect(idPosition('01J0000000000000000000000A')).toBeCloseTo(0x5a32ca13 / 2 ** 32, 12);
  });

  it('is stable across cycles: a trajectory lands on the same side whatever the log around it holds, in any order', () => {
    let heldOut = 0;
    let trained = 0;
    fc.assert(
      fc.property(logArb, fc.nat(), fc.nat(), (log, cut, seed) => {
        const whole = placements(log).placed;
        const earlier = placements(log.slice(0, cut % (log.length + 1))).placed;
        expect(earlier).toEqual(whole.slice(0, earlier.length));
        const shuffled = fc.sample(fc.shuffledSubarray(log, { minLength: log.length, maxLength: log.length }), { numRuns: 1, seed })[0]!;
        const again = placements(shuffled).placed;
        const byId = new Map(log.map((t, i) => [t.id, whole[i]]));
        shuffled.forEach((t, i) => expect(again[i]).toBe(byId.get(t.id)));
        heldOut += whole.filter((p) => p === 'held-out').length;
        trained += whole.filter((p) => p === 'trained').length;
      }),
      { numRuns: 200 },
    );
    expect(heldOut).toBeGreaterThan(50);
    expect(trained).toBeGreaterThan(heldOut);
  });

  it('is disjoint from training: no held-out trajectory becomes a training sample, and only those with a propensity are held out', () => {
    fc.assert(
      fc.property(logArb, (log) => {
        const { placed, trained } = placements(log);
        placed.forEach((p, i) => expect(p === 'held-out').toBe(isHeldOut(DEFAULT_HELD_OUT_RULE, log[i]!)));
        expect(trained).toBe(placed.filter((p) => p === 'trained').length);
        log.forEach((t, i) => {
          if (t.decision.propensity === undefined) expect(placed[i]).toBe('trained');
        });
      }),
      { numRuns: 200 },
    );
  });

  it('says how many more trajectories it takes to hold out the ones missing', () => {
    expect(trajectoriesForHeldOut(DEFAULT_HELD_OUT_RULE, 40)).toBe(200);
    expect(trajectoriesForHeldOut(DEFAULT_HELD_OUT_RULE, 1)).toBe(5);
  });
});
